package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.SpoolDatabase;
import dev.posthorn.mta.schedule.QueueControl;
import dev.posthorn.mta.spool.TestPostgres;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Daemons sharing one queue in a real PostgreSQL ({@code spool: postgresql://...}): mail received by any node is
 * delivered once; a node that stops hands its messages over at once, and one that dies leaves them to the others
 * when its leases run out.
 */
class SharedQueueTest {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static TestPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws IOException {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void empty() throws Exception {
        postgres.empty();
    }

    private Config node(String name, DnsResponder dns, int outboundPort) throws IOException {
        String url = postgres.url();
        SpoolDatabase database = new SpoolDatabase("postgresql://" + name, url, Optional.empty(), Optional.empty(),
                Optional.empty(), name, LEASE, 4);
        return OutboundRetryTest.config(dir.resolve(name), dns, outboundPort)
                .withSpoolDatabase(Optional.of(database));
    }

    /** far.test's exchanger: 421 at the greeting until {@code open} is set, then accepting everything. */
    private static FakeSmtpServer busyUntil(AtomicBoolean open) throws IOException {
        Script busy = Script.accepting().withGreeting(Reply.of(421, "4.3.2", "busy"));
        return FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0), n -> open.get() ? Script.accepting() : busy);
    }

    private static long queued() throws Exception {
        return count("SELECT count(*) FROM spool_message");
    }

    private static void send(Daemon daemon, int n) throws Exception {
        TestMail.send(daemon.addresses().getFirst(), "alice@a.test", "x" + n + "@far.test", "message " + n,
                "number " + n + "\r\n");
    }

    private static Set<String> subjects(FakeSmtpServer server) {
        Set<String> subjects = new HashSet<>();
        for (FakeSmtpServer.Received received : server.received()) {
            String data = new String(received.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            int at = data.indexOf("Subject: ");
            subjects.add(data.substring(at + 9, data.indexOf('\r', at)));
        }
        return subjects;
    }

    @Test
    void mailReceivedByEitherNodeIsDeliveredOnce() throws Exception {
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting());
             Daemon a = Daemon.start(node("a", dns, server.port()), OutboundRetryTest.quick(Duration.ofDays(1)));
             Daemon b = Daemon.start(node("b", dns, server.port()), OutboundRetryTest.quick(Duration.ofDays(1)))) {
            for (int n = 0; n < 20; n++) {
                send(n % 2 == 0 ? a : b, n);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> server.received().size() >= 20 && queued() == 0);
            Thread.sleep(500); // a second delivery would arrive now
            assertThat(server.received()).hasSize(20);
            assertThat(subjects(server)).hasSize(20);
        }
    }

    @Test
    void aNodeThatStopsHandsItsMessagesOverAtOnce() throws Exception {
        AtomicBoolean open = new AtomicBoolean();
        try (DnsResponder dns = OutboundRetryTest.dns(); FakeSmtpServer server = busyUntil(open)) {
            try (Daemon a = Daemon.start(node("a", dns, server.port()),
                    OutboundRetryTest.quick(Duration.ofDays(1)))) {
                for (int n = 0; n < 5; n++) {
                    send(a, n);
                }
                await().atMost(Duration.ofSeconds(15)).until(() -> server.connections() >= 5);
            }
            assertThat(queued()).isEqualTo(5);
            assertThat(leased()).isZero();
            open.set(true);
            try (Daemon b = Daemon.start(node("b", dns, server.port()),
                    OutboundRetryTest.quick(Duration.ofDays(1)))) {
                await().atMost(LEASE.minusMillis(500)).until(() -> server.received().size() >= 5 && queued() == 0);
                assertThat(b.runner().activeCount()).isZero();
                Thread.sleep(500);
                assertThat(server.received()).hasSize(5);
                assertThat(subjects(server)).hasSize(5);
            }
        }
    }

    @Test
    void theMessagesOfANodeThatDiedAreDeliveredByAnotherWhenItsLeasesEnd() throws Exception {
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting())) {
            try (Daemon a = Daemon.start(node("a", dns, 9), OutboundRetryTest.quick(Duration.ofDays(1)))) {
                for (int n = 0; n < 5; n++) {
                    send(a, n); // its exchanger (port 9) refuses: deferred, held by a
                }
                await().atMost(Duration.ofSeconds(15)).until(() -> attempted() == 5);
                // The operator's list names the node that holds each message.
                assertThat(a.runner().control().list(QueueControl.Filter.all())).hasSize(5)
                        .allSatisfy(entry -> assertThat(entry.node()).contains("a"));
                String first = a.runner().control().list(QueueControl.Filter.all()).getFirst().message().id();
                assertThat(a.runner().control().show(first).orElseThrow().node()).contains("a");
            }
            // a died holding them: its leases run for another LEASE from now, as a killed node's would
            postgres.execute("UPDATE spool_message SET lease_node = 'a', lease_until = now() + interval '"
                    + LEASE.toSeconds() + " seconds'");
            long start = System.nanoTime();
            try (Daemon b = Daemon.start(node("b", dns, server.port()),
                    OutboundRetryTest.quick(Duration.ofDays(1)))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> server.received().size() >= 5 && queued() == 0);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(LEASE.minusMillis(500));
                assertThat(b.runner().activeCount()).isZero();
                Thread.sleep(500);
                assertThat(server.received()).hasSize(5);
                assertThat(subjects(server)).hasSize(5);
            }
        }
    }

    private static long leased() throws Exception {
        return count("SELECT count(*) FROM spool_message WHERE lease_node IS NOT NULL");
    }

    private static long attempted() throws Exception {
        return count("SELECT count(*) FROM spool_message WHERE state IS NOT NULL");
    }

    private static long count(String sql) throws Exception {
        return postgres.count(sql);
    }

    /** Retries an hour apart: a deferred message waits in its node's memory for the whole test. */
    private static final dev.posthorn.mta.schedule.RetrySchedule HOURLY = new dev.posthorn.mta.schedule.RetrySchedule(
            java.util.List.of(Duration.ofHours(1)), Duration.ofDays(1), Duration.ofDays(1));

    private static java.util.List<String> ids(Daemon daemon) throws IOException {
        return daemon.runner().control().list(QueueControl.Filter.all()).stream().map(e -> e.message().id()).toList();
    }

    /** Sends {@code ETRN node} to {@code daemon} as a trusted client; returns the reply. */
    private static Reply etrn(Daemon daemon, String node) throws Exception {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(daemon.addresses().getFirst(), 5000);
            socket.setSoTimeout(10_000);
            var in = new dev.posthorn.smtp.io.LineReader(socket.getInputStream());
            var out = socket.getOutputStream();
            dev.posthorn.smtp.ReplyParser.read(in);
            out.write(("EHLO client.test\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            dev.posthorn.smtp.ReplyParser.read(in);
            out.write(("ETRN " + node + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return dev.posthorn.smtp.ReplyParser.read(in);
        }
    }

    @Test
    void theOperatorOfEitherNodeHoldsReleasesDeletesAndFlushesWhatTheOtherHolds() throws Exception {
        AtomicBoolean open = new AtomicBoolean();
        try (DnsResponder dns = OutboundRetryTest.dns(); FakeSmtpServer server = busyUntil(open);
             Daemon a = Daemon.start(node("a", dns, server.port()), HOURLY);
             Daemon b = Daemon.start(node("b", dns, server.port()), HOURLY)) {
            for (int n = 0; n < 4; n++) {
                send(b, n);
            }
            // Each tried once and deferred for an hour, waiting in b's memory under b's lease.
            await().atMost(Duration.ofSeconds(15)).until(() -> attempted() == 4
                    && count("SELECT count(*) FROM spool_message WHERE lease_node = 'b'") == 4
                    && b.runner().activeCount() == 4);
            java.util.List<String> ids = ids(a);
            QueueControl onA = a.runner().control();
            assertThat(onA.list(QueueControl.Filter.all())).allSatisfy(entry -> {
                assertThat(entry.node()).contains("b");
                assertThat(entry.state()).isEqualTo(QueueControl.State.DEFERRED);
            });

            assertThat(onA.hold(ids.get(0))).isEqualTo(QueueControl.Result.DONE);
            QueueControl.Entry held = onA.show(ids.get(0)).orElseThrow();
            assertThat(held.state()).isEqualTo(QueueControl.State.HELD);
            assertThat(held.node()).isEmpty();
            assertThat(held.message().state().attempts()).isEqualTo(1); // b's attempt stays recorded
            assertThat(b.runner().activeCount()).isEqualTo(3);

            assertThat(onA.delete(ids.get(1))).isEqualTo(QueueControl.Result.DONE);
            assertThat(queued()).isEqualTo(3);
            assertThat(b.runner().activeCount()).isEqualTo(2);

            open.set(true);
            assertThat(onA.release(ids.get(0))).isEqualTo(QueueControl.Result.DONE); // attempted by a, now
            assertThat(onA.flush(ids.get(2))).isEqualTo(QueueControl.Result.DONE);
            await().atMost(Duration.ofSeconds(15)).until(() -> server.received().size() >= 2 && queued() == 1);
            assertThat(b.runner().activeCount()).isEqualTo(1);

            // ETRN given to a starts the message waiting in b's memory: b delivers it.
            assertThat(etrn(a, "elsewhere.test").code()).isEqualTo(251);
            Reply started = etrn(a, "@test");
            assertThat(started.code()).isEqualTo(253);
            assertThat(started.lines().getFirst()).contains("OK, 1 pending messages");
            await().atMost(Duration.ofSeconds(15)).until(() -> server.received().size() >= 3 && queued() == 0);
            Thread.sleep(500);
            assertThat(subjects(server)).containsExactlyInAnyOrder("message 0", "message 2", "message 3");
            assertThat(server.received()).hasSize(3);
        }
    }

    @Test
    void aCommandOnOneNodeWaitsForTheAttemptRunningOnTheOther() throws Exception {
        Script busy = Script.accepting().withGreeting(Reply.of(421, "4.3.2", "busy"));
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0), n -> {
                 try {
                     Thread.sleep(2000); // a slow greeting: the attempt on b runs two seconds
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 return busy;
             });
             Daemon a = Daemon.start(node("a", dns, server.port()), HOURLY);
             Daemon b = Daemon.start(node("b", dns, server.port()), HOURLY)) {
            send(b, 0);
            String id = ids(b).getFirst();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.connections() >= 1);
            assertThat(a.runner().control().show(id).orElseThrow().node()).contains("b");
            long start = System.nanoTime();
            assertThat(a.runner().control().hold(id)).isEqualTo(QueueControl.Result.DONE);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1000));
            QueueControl.Entry held = a.runner().control().show(id).orElseThrow();
            assertThat(held.state()).isEqualTo(QueueControl.State.HELD);
            assertThat(held.message().state().attempts()).isEqualTo(1); // the attempt was recorded, then held
            assertThat(held.message().state().recipients().getFirst().diagnostic()).contains("busy");
            assertThat(b.runner().activeCount()).isZero();
            assertThat(server.connections()).isEqualTo(1);
        }
    }
}
