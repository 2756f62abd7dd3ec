package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.policy.AuthThrottle;
import dev.posthorn.smtp.testing.ManualClock;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AUTH lockouts against the running daemon, with Angus Mail logging in from several loopback addresses: guessing
 * alice's password from many addresses must not lock alice herself out.
 */
class AuthLockoutTest {

    @TempDir
    Path dir;

    /** On a clock of its own that never moves (the window never passes), and no delay before a 535. */
    private final AuthThrottle throttle = new AuthThrottle(new ManualClock(Instant.parse("2026-12-06T12:00:00Z")),
            Duration.ofMinutes(15), 5, 3, 10, Duration.ZERO);

    @Test
    void guessesFromTenAddressesDoNotLockOutTheRightPasswordFromAnother() throws Exception {
        try (Daemon daemon = Daemon.start(submission(), throttle)) {
            for (int i = 2; i <= 11; i++) {
                String from = "127.0.0." + i;
                assertThatThrownBy(() -> relay(daemon, from, "guess")).as("a guess from %s", from)
                        .isInstanceOf(AuthenticationFailedException.class);
            }
            relay(daemon, "127.0.0.20", "wonderland");
            // Guessing from one address still locks that address out for alice, right password or not.
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> relay(daemon, "127.0.0.30", "guess"))
                        .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("535");
            }
            assertThatThrownBy(() -> relay(daemon, "127.0.0.30", "wonderland"))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("454 4.7.0");
        }
    }

    /** The conformance setup with one submission listener (STARTTLS and AUTH required). */
    private Config submission() throws IOException {
        Config c = TestConfigs.conformance(dir);
        return new Config(c.hostname(), c.spool(),
                List.of(new Listener(InetAddress.getLoopbackAddress(), 0, Listener.Role.SUBMISSION)), c.tls(),
                c.trustedNetworks(), c.limits(), c.domains(), c.usersFile(), c.dns(), c.queue(), c.relay(), c.routes(),
                c.outbound());
    }

    /** Alice's message to carol@elsewhere.test from {@code localAddress}, logged in with {@code password}. */
    private static void relay(Daemon daemon, String localAddress, String password) throws Exception {
        Properties p = TestMail.session(daemon.addresses().getFirst());
        p.put("mail.smtp.localaddress", localAddress);
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.trust", "*"); // the self-signed certificate the daemon made
        p.put("mail.smtp.ssl.checkserveridentity", "false");
        p.put("mail.smtp.auth", "true");
        Transport.send(TestMail.message(p, "alice@posthorn.test", "carol@elsewhere.test", "hello", "Hello Carol\r\n"),
                "alice", password);
    }
}
