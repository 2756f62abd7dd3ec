package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Checks;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dns;
import dev.posthorn.mta.config.Limits;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.config.Network;
import dev.posthorn.mta.config.Outbound;
import dev.posthorn.mta.config.Queue;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.schedule.QueueControl;
import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.ManualClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries, partial success, restarts and expiry against smtp-testing's fake server as far.test's exchanger. */
class OutboundRetryTest {

    @TempDir
    Path dir;

    private Config config(DnsResponder dns, int outboundPort) throws IOException {
        return config(dir, dns, outboundPort);
    }

    /** The configuration below with the default queue settings. */
    static Config config(Path dir, DnsResponder dns, int outboundPort) throws IOException {
        return config(dir, dns, outboundPort, Config.defaults(dir).queue());
    }

    /** mx.a.test with the local domain a.test (alice), loopback trusted, far.test's exchanger on {@code outboundPort}. */
    static Config config(Path dir, DnsResponder dns, int outboundPort, Queue queue) throws IOException {
        return config(dir, dns, new Outbound(outboundPort, TlsPolicy.MAY), queue);
    }

    /** The same with {@code outbound} settings of the test's choosing. */
    static Config config(Path dir, DnsResponder dns, Outbound outbound, Queue queue) throws IOException {
        LocalDomain local = new LocalDomain("a.test", new Mailboxes.Listed(Set.of("alice")), Map.of(),
                Optional.empty(), true, new LocalDelivery.Maildir(dir.resolve("mail")));
        return new Config("mx.a.test", dir.resolve("spool"),
                List.of(new Listener(InetAddress.getLoopbackAddress(), 0, Listener.Role.MX)), Optional.empty(),
                List.of(Network.parse("127.0.0.0/8")), new Limits(1_000_000, 100, 100, 50, 1),
                Map.of(local.name(), local), Optional.empty(), new Dns(List.of(dns.address()), Duration.ofSeconds(2)),
                queue, Optional.empty(), Map.of(), outbound);
    }

    static DnsResponder dns() throws IOException {
        return DnsResponder.builder().zone("far.test").mx("far.test", 10, "mx.far.test").a("mx.far.test", "127.0.0.3")
                .start();
    }

    static RetrySchedule quick(Duration lifetime) {
        return new RetrySchedule(List.of(Duration.ofMillis(300)), lifetime, Duration.ofDays(1));
    }

    static void send(Daemon daemon, String to) throws Exception {
        TestMail.send(daemon.addresses().getFirst(), "alice@a.test", to, "outbound", "hello far away\r\n");
    }

    private long queued() throws IOException {
        return SpoolFiles.messages(dir);
    }

    private List<String> alice() throws IOException {
        return Maildirs.messages(dir.resolve("mail/alice"));
    }

    @Test
    void busyServerIsRetriedUntilItTakesTheMail() throws Exception {
        Script accepting = Script.accepting();
        try (DnsResponder dns = dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> n == 0 ? accepting.withGreeting(Reply.of(421, "4.3.2", "too busy")) : accepting);
             Daemon daemon = Daemon.start(config(dns, server.port()), quick(Duration.ofDays(1)))) {
            send(daemon, "x@far.test");
            await().atMost(Duration.ofSeconds(15)).until(() -> server.received().size() == 1 && queued() == 0);
            assertThat(server.connections()).isGreaterThanOrEqualTo(2);
        }
        assertThat(alice()).isEmpty(); // no report: delivered in the end
    }

    @Test
    void partialSuccessRetriesOnlyTheDeferredRecipient() throws Exception {
        Script script = Script.accepting().withRcpt("busy@far.test", Reply.of(450, "4.2.1", "mailbox busy"));
        try (DnsResponder dns = dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> n == 0 ? script : Script.accepting());
             Daemon daemon = Daemon.start(config(dns, server.port()), quick(Duration.ofDays(1)))) {
            send(daemon, "busy@far.test, ok@far.test");
            await().atMost(Duration.ofSeconds(15)).until(() -> server.received().size() == 1);
            server.closeConnections(); // the server forgets the session; the retry connects anew
            await().atMost(Duration.ofSeconds(15)).until(() -> queued() == 0);
            assertThat(server.received()).extracting(FakeSmtpServer.Received::recipients)
                    .containsExactly(List.of("ok@far.test"), List.of("busy@far.test"));
        }
    }

    @Test
    void retryStateSurvivesARestart() throws Exception {
        RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofMillis(200), Duration.ofHours(1)),
                Duration.ofDays(1), Duration.ofDays(1));
        try (DnsResponder dns = dns();
             FakeSmtpServer busy = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting().withGreeting(Reply.of(421, "4.3.2", "busy")))) {
            try (Daemon daemon = Daemon.start(config(dns, busy.port()), schedule)) {
                send(daemon, "x@far.test");
                await().atMost(Duration.ofSeconds(15)).until(() -> busy.connections() >= 2);
            }
            Path state;
            state = SpoolFiles.states(dir).getFirst();
            String before = Files.readString(state);
            assertThat(before).contains("attempts 2").contains("421");
            int connections = busy.connections();
            // The next attempt was recorded an hour (±10 % jitter) after the second: a daemon whose clock has passed
            // that time makes the third attempt at start, and sets the one after it an hour later by that clock.
            ManualClock clock = new ManualClock(Instant.now().plus(Duration.ofHours(2)));
            try (Daemon daemon = Daemon.start(config(dns, busy.port()), schedule, clock)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> attempts(daemon) == 3);
                assertThat(busy.connections()).as("one attempt at start").isEqualTo(connections + 1);
                assertThat(queuedState(daemon).nextAttempt()).isBetween(clock.instant().plus(Duration.ofMinutes(54)),
                        clock.instant().plus(Duration.ofMinutes(66)));
            }
        }
    }

    /** The delivery state of the one message in {@code daemon}'s queue. */
    private static DeliveryState queuedState(Daemon daemon) throws IOException {
        return daemon.runner().control().list(QueueControl.Filter.all()).getFirst().message().state();
    }

    /** The recorded attempts of the one message in {@code daemon}'s queue; 0 while it is not queued. */
    private static int attempts(Daemon daemon) throws IOException {
        List<QueueControl.Entry> entries = daemon.runner().control().list(QueueControl.Filter.all());
        return entries.isEmpty() ? 0 : entries.getFirst().message().state().attempts();
    }

    @Test
    void expiredMessageIsBouncedToTheSender() throws Exception {
        try (DnsResponder dns = dns();
             FakeSmtpServer busy = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting().withGreeting(Reply.of(421, "4.3.2", "busy")));
             Daemon daemon = Daemon.start(config(dns, busy.port()), quick(Duration.ofMillis(800)))) {
            send(daemon, "x@far.test");
            await().atMost(Duration.ofSeconds(15)).until(() -> alice().size() == 1 && queued() == 0);
        }
        String report = alice().getFirst();
        assertThat(report).contains("Final-Recipient: rfc822; x@far.test", "Action: failed", "Status: 4.4.7")
                .contains("expired");
    }
}
