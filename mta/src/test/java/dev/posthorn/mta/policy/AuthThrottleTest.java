package dev.posthorn.mta.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** AUTH throttling: delays, lockouts per address and per (address, user), their expiry, and the bound. */
class AuthThrottleTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final AuthThrottle throttle = new AuthThrottle(clock, Duration.ofMinutes(15), 3, 2, 5,
            Duration.ofSeconds(1));

    @Test
    void aUserNameWithALineBreakCannotWriteALineOfItsOwn() throws Exception {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 5; i++) {
                throttle.failed(InetAddress.getByName("192.0.2.9"), "eve\nFORGED: root logged in\u2028x");
            }
        } finally {
            System.setErr(saved);
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(log).contains("AUTH locked out").contains("user <eve\\x0aFORGED: root logged in\\u2028x>");
        assertThat(log.lines()).noneMatch(line -> line.startsWith("FORGED"));
    }

    @Test
    void failuresFromOneAddressLockItOutUntilTheWindowPasses() throws Exception {
        InetAddress guesser = InetAddress.getByName("192.0.2.66");
        assertThat(throttle.failed(guesser, "a")).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.failed(guesser, "b")).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.addressAllowed(guesser)).isTrue();
        throttle.failed(guesser, "c");
        assertThat(throttle.addressAllowed(guesser)).isFalse();
        assertThat(throttle.allowed(guesser, "d")).isFalse();
        assertThat(throttle.addressAllowed(InetAddress.getByName("192.0.2.67"))).isTrue();
        clock.advance(Duration.ofMinutes(16));
        assertThat(throttle.addressAllowed(guesser)).isTrue();
    }

    @Test
    void failuresForOneUserFromOneAddressLockOutThatAddressForThatUser() throws Exception {
        InetAddress client = InetAddress.getByName("203.0.113.5");
        throttle.failed(client, "alice");
        assertThat(throttle.allowed(client, "alice")).isTrue();
        throttle.failed(client, "alice");
        assertThat(throttle.allowed(client, "alice")).isFalse();
        assertThat(throttle.allowed(client, "bob")).isTrue();
        assertThat(throttle.allowed(InetAddress.getByName("203.0.113.6"), "alice")).isTrue();
        clock.advance(Duration.ofMinutes(16));
        assertThat(throttle.allowed(client, "alice")).isTrue();
    }

    @Test
    void failuresForOneUserFromManyAddressesOnlySlowTheGuessers() throws Exception {
        for (int i = 1; i <= 10; i++) {
            throttle.failed(InetAddress.getByName("198.51.100." + i), "alice");
        }
        InetAddress trusted = InetAddress.getByName("192.0.2.10");
        assertThat(throttle.allowed(trusted, "alice")).as("alice from an address that has not failed").isTrue();
        assertThat(throttle.failed(InetAddress.getByName("198.51.100.11"), "alice"))
                .as("a guess for alice from a new address waits the longest").isEqualTo(Duration.ofSeconds(5));
        assertThat(throttle.failed(InetAddress.getByName("198.51.100.12"), "bob")).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void successClearsTheAddressAndUserButNotTheAddress() throws Exception {
        InetAddress client = InetAddress.getByName("203.0.113.9");
        throttle.failed(client, "alice");
        throttle.succeeded(client, "alice");
        throttle.failed(client, "alice");
        assertThat(throttle.allowed(client, "alice")).as("one failure since the success").isTrue();
        throttle.failed(client, "bob");
        assertThat(throttle.addressAllowed(client)).as("three failures from the address").isFalse();
    }

    @Test
    void delayIsCappedAtFiveSteps() throws Exception {
        AuthThrottle patient = new AuthThrottle(clock, Duration.ofMinutes(15), 100, 100, 100, Duration.ofSeconds(1));
        InetAddress client = InetAddress.getByName("203.0.113.10");
        Duration last = Duration.ZERO;
        for (int i = 0; i < 20; i++) {
            last = patient.failed(client, "u" + i);
        }
        assertThat(last).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aMillionDistinctAddressesDoNotLiftALockout() throws Exception {
        InetAddress guesser = InetAddress.getByName("192.0.2.66");
        for (int i = 0; i < 3; i++) {
            throttle.failed(guesser, "g" + i);
        }
        assertThat(throttle.addressAllowed(guesser)).isFalse();
        byte[] address = InetAddress.getByName("2001:db8::").getAddress();
        for (int i = 0; i < 1_000_000; i++) {
            address[12] = (byte) (i >> 24);
            address[13] = (byte) (i >> 16);
            address[14] = (byte) (i >> 8);
            address[15] = (byte) i;
            throttle.failed(InetAddress.getByAddress(address), "user" + i);
        }
        assertThat(throttle.addressAllowed(guesser)).as("still locked out after the flood").isFalse();
        assertThat(throttle.held()).isLessThanOrEqualTo(AuthThrottle.MAX_COUNTED + AuthThrottle.MAX_LOCKED);
        clock.advance(Duration.ofMinutes(16));
        assertThat(throttle.addressAllowed(guesser)).isTrue();
    }
}
