package dev.posthorn.smtp.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Slows down a client that keeps failing: once a session has drawn {@code afterErrors} permanent failure replies
 * (5xx: unknown recipients, bad commands, refused relaying), every further reply waits {@code delay} times the
 * failures past the threshold plus one, never more than {@code maxDelay} (as Postfix's {@code smtpd_soft_error_limit}
 * and {@code smtpd_error_sleep_time}). A dictionary attack or a relay probe so costs the prober time, while a real
 * sender that gets one or two refusals is not slowed at all. Transient failures (4xx) do not count: they report the
 * server's state (disk, DNS, rate limits), not the client's mistakes.
 *
 * <p>The wait runs on the session's virtual thread (no platform thread is held) before the reply is written, and the
 * client's command timeout starts only after the reply is sent: the tarpit never eats into the client's time.
 *
 * @param afterErrors failures before the tarpit starts; 0 turns it off
 * @param delay       the wait added per failure from the threshold on; zero turns it off
 * @param maxDelay    the longest wait before one reply; at most {@link #MAX_DELAY}
 */
public record Tarpit(int afterErrors, Duration delay, Duration maxDelay) {

    /**
     * RFC 5321 4.5.3.2 lets a client give up on most replies after five minutes; a wait longer than a couple of
     * minutes only makes clients time out instead of seeing the refusal.
     */
    public static final Duration MAX_DELAY = Duration.ofMinutes(2);

    /** No tarpit. */
    public static final Tarpit OFF = new Tarpit(0, Duration.ZERO, Duration.ZERO);

    public Tarpit {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (afterErrors < 0) {
            throw new IllegalArgumentException("afterErrors must not be negative");
        }
        if (delay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("delays must not be negative");
        }
        if (maxDelay.compareTo(delay) < 0) {
            throw new IllegalArgumentException("maxDelay must not be shorter than delay");
        }
        if (maxDelay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("maxDelay must be at most " + MAX_DELAY.toSeconds() + "s");
        }
    }

    public boolean enabled() {
        return afterErrors > 0 && !delay.isZero();
    }

    /** The wait before a reply in a session that has drawn {@code failures} failure replies so far. */
    public Duration delayAfter(int failures) {
        if (!enabled() || failures < afterErrors) {
            return Duration.ZERO;
        }
        long steps = Math.min(failures - afterErrors + 1L, MAX_DELAY.toMillis());
        Duration grown = delay.multipliedBy(steps);
        return grown.compareTo(maxDelay) > 0 ? maxDelay : grown;
    }
}
