package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tarpit: after a number of 5xx replies, each further reply waits longer, up to a maximum. Times are measured on
 * real sockets with short delays; the checks rest on lower bounds (a sleep never ends early) and on generous upper
 * bounds, so that a slow machine cannot make them fail.
 */
class TarpitTest extends ServerTest {

    private static final Duration STEP = Duration.ofMillis(150);
    private static final Tarpit TARPIT = new Tarpit(2, STEP, STEP.multipliedBy(3));
    /** Far above any delay here: what a busy machine may add to one reply. */
    private static final long SLACK_MILLIS = 2_000;


    @ParameterizedTest(name = "{0} failures -> {1} ms")
    @CsvSource({"0, 0", "1, 0", "2, 150", "3, 300", "4, 450", "5, 450", "100, 450"})
    void delayGrowsPerFailureUpToTheMaximum(int failures, long millis) {
        assertThat(TARPIT.delayAfter(failures)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void offOrZeroDelayNeverWaits() {
        assertThat(Tarpit.OFF.delayAfter(1000)).isZero();
        assertThat(new Tarpit(3, Duration.ZERO, Duration.ZERO).delayAfter(1000)).isZero();
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> new Tarpit(-1, STEP, STEP)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Tarpit(1, STEP, Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Tarpit(1, STEP, Duration.ofMinutes(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void repliesAfterRepeatedFailuresWaitLongerAndLonger() throws Exception {
        server = TestServers.builder(new RecordingSink()).tarpit(TARPIT).build().start();
        try (TestClient c = TestClient.connect(server)) {
            c.hello();
            List<Long> waits = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                waits.add(timed(c, "RCPT TO:<x@y.test>", 503)); // no MAIL yet: a client error each time
            }
            long noop = timed(c, "NOOP", 250);
            // Failures before each reply: 0, 1, 2, 3, 4, 5; then the NOOP after 6.
            long[] expected = {0, 0, 150, 300, 450, 450};
            for (int i = 0; i < expected.length; i++) {
                assertThat(waits.get(i)).as("reply %d waited %s", i, waits)
                        .isBetween(expected[i], expected[i] + SLACK_MILLIS);
            }
            assertThat(waits.get(3) - waits.get(2)).as("grows: %s", waits).isGreaterThan(0);
            assertThat(noop).as("a positive reply after failures waits too").isBetween(450L, 450 + SLACK_MILLIS);
        }
    }

    @Test
    void theCommandTimeoutStartsAfterTheDelayedReply() throws Exception {
        Tarpit slow = new Tarpit(1, Duration.ofMillis(400), Duration.ofMillis(400));
        server = TestServers.builder(new RecordingSink()).tarpit(slow).commandTimeout(Duration.ofMillis(600))
                .build().start();
        try (TestClient c = TestClient.connect(server)) {
            c.hello();
            timed(c, "RCPT TO:<x@y.test>", 503);
            assertThat(timed(c, "RCPT TO:<x@y.test>", 503)).isGreaterThanOrEqualTo(400);
            // The client says nothing more: the server's own timeout ends the session. Counted from the reply, that
            // is 600 ms after it; counted from before the 400 ms wait, it would be 200 ms after it.
            long start = System.nanoTime();
            Reply timeout = c.read();
            long silent = (System.nanoTime() - start) / 1_000_000;
            TestClient.expect(timeout, 421);
            assertThat(silent).as("silence before the timeout").isGreaterThanOrEqualTo(550);
        }
    }

    @Test
    void trustedAndAuthenticatedClientsAreNotTarpitted() throws Exception {
        server = TestServers.builder(new RecordingSink()).tarpit(new Tarpit(1, Duration.ofSeconds(5),
                Duration.ofSeconds(5))).trustedClients(address -> address.isLoopbackAddress()).build().start();
        try (TestClient c = TestClient.connect(server)) {
            c.hello();
            for (int i = 0; i < 3; i++) {
                assertThat(timed(c, "RCPT TO:<x@y.test>", 503)).isLessThan(SLACK_MILLIS);
            }
        }
        server.close();
        server = TestServers.builder(new RecordingSink()).tarpit(new Tarpit(2, Duration.ofSeconds(5),
                Duration.ofSeconds(5))).authRequiresTls(false).build().start();
        try (TestClient c = TestClient.connect(server)) {
            c.hello();
            timed(c, "RCPT TO:<x@y.test>", 503);
            assertThat(timed(c, "AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=", 235)).isLessThan(SLACK_MILLIS);
            for (int i = 0; i < 3; i++) {
                assertThat(timed(c, "RCPT TO:<x@y.test>", 503)).isLessThan(SLACK_MILLIS);
            }
        }
    }

    /** Sends {@code line} and returns how long its reply took, in milliseconds. */
    private static long timed(TestClient client, String line, int code) throws Exception {
        long start = System.nanoTime();
        Reply reply = client.command(line);
        long millis = (System.nanoTime() - start) / 1_000_000;
        TestClient.expect(reply, code);
        return millis;
    }
}
