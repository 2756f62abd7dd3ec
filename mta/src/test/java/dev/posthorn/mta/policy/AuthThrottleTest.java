package dev.posthorn.mta.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** AUTH throttling: delays, lockouts per address and per user, and their expiry. */
class AuthThrottleTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final AuthThrottle throttle = new AuthThrottle(clock, Duration.ofMinutes(15), 3, 5, Duration.ofSeconds(1));

    @Test
    void failuresFromOneAddressLockItOutUntilTheWindowPasses() throws Exception {
        InetAddress guesser = InetAddress.getByName("192.0.2.66");
        assertThat(throttle.failed(guesser, "a")).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.failed(guesser, "b")).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.addressAllowed(guesser)).isTrue();
        throttle.failed(guesser, "c");
        assertThat(throttle.addressAllowed(guesser)).isFalse();
        assertThat(throttle.addressAllowed(InetAddress.getByName("192.0.2.67"))).isTrue();
        clock.advance(Duration.ofMinutes(16));
        assertThat(throttle.addressAllowed(guesser)).isTrue();
    }

    @Test
    void failuresForOneUserFromManyAddressesLockTheUserOut() throws Exception {
        for (int i = 1; i <= 5; i++) {
            throttle.failed(InetAddress.getByName("198.51.100." + i), "alice");
        }
        assertThat(throttle.userAllowed("alice")).isFalse();
        assertThat(throttle.userAllowed("bob")).isTrue();
    }

    @Test
    void successClearsTheUserButNotTheAddress() throws Exception {
        InetAddress client = InetAddress.getByName("203.0.113.9");
        throttle.failed(client, "alice");
        throttle.failed(client, "alice");
        throttle.succeeded("alice");
        throttle.failed(client, "alice");
        assertThat(throttle.addressAllowed(client)).isFalse();
        assertThat(throttle.userAllowed("alice")).isTrue();
    }

    @Test
    void delayIsCappedAtFiveSteps() throws Exception {
        AuthThrottle patient = new AuthThrottle(clock, Duration.ofMinutes(15), 100, 100, Duration.ofSeconds(1));
        InetAddress client = InetAddress.getByName("203.0.113.10");
        Duration last = Duration.ZERO;
        for (int i = 0; i < 20; i++) {
            last = patient.failed(client, "u" + i);
        }
        assertThat(last).isEqualTo(Duration.ofSeconds(5));
    }
}
