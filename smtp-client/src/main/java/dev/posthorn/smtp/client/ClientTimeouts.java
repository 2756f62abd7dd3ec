package dev.posthorn.smtp.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Deadlines for each step of a session. The defaults are the minimums of RFC 5321 4.5.3.2: greeting 5 minutes,
 * MAIL 5, RCPT 5, DATA initiation 2, each data block 3, DATA termination 10; connect 30 seconds.
 */
public record ClientTimeouts(Duration connect, Duration greeting, Duration mail, Duration rcpt, Duration dataInit,
                             Duration dataBlock, Duration dataTermination) {

    public static final ClientTimeouts RFC_5321 = new ClientTimeouts(Duration.ofSeconds(30), Duration.ofMinutes(5),
            Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(3),
            Duration.ofMinutes(10));

    public ClientTimeouts {
        for (Duration d : new Duration[] {connect, greeting, mail, rcpt, dataInit, dataBlock, dataTermination}) {
            if (Objects.requireNonNull(d, "timeout").isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }
    }

    /** The same deadline for every step (tests, local LMTP). */
    public static ClientTimeouts all(Duration timeout) {
        return new ClientTimeouts(timeout, timeout, timeout, timeout, timeout, timeout, timeout);
    }
}
