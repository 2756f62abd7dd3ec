package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Queue;
import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.MessageWriter;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded active set: a queue ten times longer than {@code queue.active_limit} is delivered in full, never with
 * more messages in memory than the limit, and messages deferred for later never keep due ones from their turn.
 */
class ActiveLimitTest {

    private static final int LIMIT = 5;
    private static final int MESSAGES = 50;

    @TempDir
    Path dir;

    private Config config(DnsResponder dns, int outboundPort) throws IOException {
        Queue defaults = Config.defaults(dir).queue();
        return OutboundRetryTest.config(dir, dns, outboundPort, new Queue(defaults.retry(), defaults.maxLifetime(),
                defaults.delayNotice(), defaults.maxReceivedHeaders(), LIMIT));
    }

    private static DnsResponder dns() throws IOException {
        return OutboundRetryTest.dns();
    }

    /**
     * Queues {@code MESSAGES} messages as a previous run would have left them, before the daemon starts; a seeded
     * random third goes to "later" recipients the test server defers. Returns the recipients, in queue order.
     */
    private List<String> spoolBacklog() throws IOException {
        Spool spool = Spool.open(dir.resolve("spool"));
        spool.sweep();
        SplittableRandom random = new SplittableRandom(42);
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            String id = String.format("0BACKLOG%03d", i);
            String to = (random.nextInt(3) == 0 ? "later" : "ok") + i + "@far.test";
            try (MessageWriter writer = spool.writer(id)) {
                writer.body().write(("Message-ID: <" + id + "@a.test>\r\nSubject: " + id + "\r\n\r\nbody\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                writer.commit(Envelopes.of(id, Instant.now(), "alice@a.test", to));
            }
            recipients.add(to);
        }
        return recipients;
    }

    private long queued() throws IOException {
        return SpoolFiles.messages(dir);
    }

    private static Script deferringLater(List<String> recipients) {
        Script script = Script.accepting();
        for (String r : recipients) {
            if (r.startsWith("later")) {
                script = script.withRcpt(r, Reply.of(450, "4.2.1", "try later"));
            }
        }
        return script;
    }

    private static List<String> delivered(FakeSmtpServer server) {
        return server.received().stream().flatMap(m -> m.recipients().stream()).toList();
    }

    @Test
    void deferredMessagesGoBackToDiskAndDueOnesAreAllDelivered() throws Exception {
        List<String> recipients = spoolBacklog();
        List<String> ok = recipients.stream().filter(r -> r.startsWith("ok")).toList();
        RetrySchedule hourly = new RetrySchedule(List.of(Duration.ofHours(1)), Duration.ofDays(1), Duration.ofDays(1));
        try (DnsResponder dns = dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> deferringLater(recipients));
             Daemon daemon = Daemon.start(config(dns, server.port()), hourly)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered(server).size() == ok.size()
                    && queued() == MESSAGES - ok.size() && daemon.runner().isIdle());
            assertThat(delivered(server)).containsExactlyInAnyOrderElementsOf(ok);
            assertThat(daemon.runner().activePeak()).as("never more than the limit in memory").isLessThanOrEqualTo(LIMIT);
            // Deferred messages go back to disk while others wait there; ones deferred at the same moment as the
            // last may find none waiting and stay in memory: never so many that new mail finds no place.
            assertThat(daemon.runner().activeCount()).as("deferred messages wait on disk").isLessThan(LIMIT);
        }
        assertThat(SpoolFiles.states(dir))
                .hasSize(MESSAGES - ok.size())
                .allSatisfy(f -> assertThat(Files.readString(f)).contains("attempts 1").contains("450%204.2.1"))
                .allSatisfy(f -> assertThat(Files.getLastModifiedTime(f).toInstant())
                        .as("the file's time is the next attempt").isAfter(Instant.now().plusSeconds(3000)));
    }

    @Test
    void aBacklogAndABurstAreDeliveredInFullThroughTheWindow() throws Exception {
        List<String> recipients = spoolBacklog();
        AtomicBoolean open = new AtomicBoolean();
        RetrySchedule quick = new RetrySchedule(List.of(Duration.ofMillis(300)), Duration.ofDays(1),
                Duration.ofDays(1));
        try (DnsResponder dns = dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> open.get() ? Script.accepting() : deferringLater(recipients));
             Daemon daemon = Daemon.start(config(dns, server.port()), quick)) {
            List<String> burst = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                burst.add("burst" + i + "@far.test");
                OutboundRetryTest.send(daemon, burst.getLast());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered(server).size()
                    == recipients.stream().filter(r -> r.startsWith("ok")).count() + burst.size());
            open.set(true);
            server.closeConnections(); // kept sessions still follow the deferring script
            await().atMost(Duration.ofSeconds(30)).until(() -> queued() == 0);
            List<String> all = new ArrayList<>(recipients);
            all.addAll(burst);
            assertThat(delivered(server)).as("each once").containsExactlyInAnyOrderElementsOf(all);
            assertThat(daemon.runner().activePeak()).isLessThanOrEqualTo(LIMIT);
        }
    }
}
