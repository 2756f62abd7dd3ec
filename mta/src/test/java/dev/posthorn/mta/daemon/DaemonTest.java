package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.testing.ManualClock;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon end to end in one process: receive, commit, route, deliver to Maildir, recover after a restart. */
class DaemonTest {

    @TempDir
    Path dir;

    private static void send(Daemon daemon, String from, String to, String subject) throws MessagingException {
        TestMail.send(daemon.addresses().getFirst(), from, to, subject, "hello\r\n");
    }

    private List<String> mailbox(String name) throws IOException {
        return Maildirs.messages(dir.resolve("mail").resolve(name));
    }

    private long queued() throws IOException {
        return SpoolFiles.messages(dir);
    }

    @Test
    void localMailIsDeliveredOnceToEachMailboxWithTraceHeaders() throws Exception {
        try (Daemon daemon = Daemon.start(TestConfigs.conformance(dir))) {
            send(daemon, "sender@client.test", "alice@posthorn.test, team@posthorn.test, bob+x@posthorn.test", "one");
            await().atMost(Duration.ofSeconds(10)).until(() -> mailbox("alice").size() == 1
                    && mailbox("bob").size() == 1 && queued() == 0);
        }
        String alice = mailbox("alice").getFirst();
        assertThat(alice).startsWith("Return-Path: <sender@client.test>\nDelivered-To: alice@posthorn.test\n"
                + "Received: from client.test ([127.0.0.1])\n\tby mx.posthorn.test (Posthorn) with ESMTP id ")
                .contains("Subject: one\n").endsWith("\nhello\n");
        assertThat(mailbox("bob").getFirst()).contains("Delivered-To: bob@posthorn.test\n");
    }

    @Test
    void mailForOtherDomainsFromUntrustedClientsIsRefused() throws Exception {
        try (Daemon daemon = Daemon.start(TestConfigs.conformance(dir))) {
            assertThatThrownBy(() -> send(daemon, "s@client.test", "x@elsewhere.test", "relay"))
                    .isInstanceOf(MessagingException.class).hasStackTraceContaining("550 5.7.1");
        }
    }

    @Test
    void mailForOtherDomainsFromTrustedNetworksWaitsInTheQueue() throws Exception {
        try (Daemon daemon = Daemon.start(TestConfigs.trusting(dir, 1))) {
            send(daemon, "s@client.test", "x@elsewhere.test, outside@posthorn.test", "relayed");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(stateFile()));
        }
        assertThat(queued()).isEqualTo(1);
        // Both copies are for elsewhere.test, whose DNS does not answer here: deferred, and kept.
        assertThat(Files.readString(stateFile())).contains("rcpt PENDING 451%204.4.3%20DNS");
    }

    private Path stateFile() throws IOException {
        return SpoolFiles.states(dir).stream().findFirst().orElse(dir.resolve("none"));
    }

    @Test
    void lowDiskSpaceDefersAtMail() throws Exception {
        try (Daemon daemon = Daemon.start(TestConfigs.trusting(dir, Long.MAX_VALUE / 4))) {
            assertThatThrownBy(() -> send(daemon, "s@client.test", "alice@posthorn.test", "full"))
                    .isInstanceOf(MessagingException.class).hasStackTraceContaining("452 4.3.1");
        }
        assertThat(queued()).isZero();
    }

    @Test
    void deferredMessageSurvivesARestartAndIsDeliveredLater() throws Exception {
        Config config = TestConfigs.conformance(dir);
        Path blocked = dir.resolve("blocked");
        Files.writeString(blocked, "a file where the Maildir root should be");
        LocalDomain domain = config.domains().get("posthorn.test");
        LocalDomain broken = new LocalDomain(domain.name(), domain.mailboxes(), domain.aliases(), domain.catchAll(),
                domain.plusAddressing(), new LocalDelivery.Maildir(blocked));
        Config failing = config.withDomains(Map.of(domain.name(), broken));
        RetrySchedule quick = new RetrySchedule(List.of(Duration.ofMillis(200)), Duration.ofDays(1),
                Duration.ofHours(4));
        try (Daemon daemon = Daemon.start(failing, quick)) {
            send(daemon, "s@client.test", "alice@posthorn.test", "deferred");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(stateFile()));
        }
        assertThat(queued()).isEqualTo(1);
        assertThat(Files.readString(stateFile())).contains("rcpt PENDING 4.3.0");
        try (Daemon daemon = Daemon.start(config, quick)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> mailbox("alice").size() == 1 && queued() == 0);
            assertThat(Counts.attempts(daemon, "delivered")).as("delivered by the restarted daemon, from the spool")
                    .isEqualTo(1);
        }
        assertThat(mailbox("alice").getFirst()).contains("Subject: deferred");
    }

    @Test
    void etrnFromATrustedClientStartsWaitingMailAtOnce() throws Exception {
        Config trusting = TestConfigs.trusting(dir, 1);
        Path blocked = dir.resolve("blocked");
        Files.writeString(blocked, "a file where the Maildir root should be");
        LocalDomain domain = trusting.domains().get("posthorn.test");
        LocalDomain broken = new LocalDomain(domain.name(), domain.mailboxes(), domain.aliases(), domain.catchAll(),
                domain.plusAddressing(), new LocalDelivery.Maildir(blocked));
        Config config = trusting.withDomains(Map.of(domain.name(), broken));
        RetrySchedule slow = new RetrySchedule(List.of(Duration.ofHours(1)), Duration.ofDays(1), Duration.ofDays(1));
        try (Daemon daemon = Daemon.start(config, slow)) {
            send(daemon, "s@client.test", "alice@posthorn.test", "etrn");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(stateFile()));
            Files.delete(blocked);
            Files.createDirectories(blocked);
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", daemon.addresses().getFirst().getPort())) {
                socket.setSoTimeout(5000);
                var in = new dev.posthorn.smtp.io.LineReader(socket.getInputStream());
                var out = socket.getOutputStream();
                dev.posthorn.smtp.ReplyParser.read(in);
                out.write("EHLO client.test\r\nETRN posthorn.test\r\nETRN other.test\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertThat(dev.posthorn.smtp.ReplyParser.read(in).lines()).contains("ETRN");
                assertThat(dev.posthorn.smtp.ReplyParser.read(in).code()).isEqualTo(253);
                assertThat(dev.posthorn.smtp.ReplyParser.read(in).code()).isEqualTo(251);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> queued() == 0);
        }
        try (Stream<Path> files = Files.list(blocked.resolve("alice/new"))) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void untrustedClientsConnectingTooOftenGet421UntilTheNextMinute() throws Exception {
        // The daemon's clock stands still at the start of a minute: the 61 connections share one window, however
        // long they take, and the next window begins when the test says so.
        ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z"));
        try (Daemon daemon = Daemon.start(TestConfigs.conformance(dir), clock)) {
            int port = daemon.addresses().getFirst().getPort();
            for (int i = 0; i < 60; i++) {
                assertThat(greeting(port)).as("connection %d", i + 1).startsWith("220");
            }
            assertThat(greeting(port)).startsWith("421 4.7.0");
            clock.advance(Duration.ofSeconds(59));
            assertThat(greeting(port)).as("the same minute").startsWith("421 4.7.0");
            clock.advance(Duration.ofSeconds(1));
            assertThat(greeting(port)).as("the next minute").startsWith("220");
        }
    }

    @Test
    void newMailIsAttemptedAtOnceOnAClockBehindTheSystemsTime() throws Exception {
        // The spool stamps new mail with the system's time; the queue runner decides by its own clock, an hour
        // behind here, and a new message is due at once all the same.
        ManualClock clock = new ManualClock(Instant.now().minus(Duration.ofHours(1)));
        try (Daemon daemon = Daemon.start(TestConfigs.conformance(dir), clock)) {
            send(daemon, "sender@client.test", "alice@posthorn.test", "on a test clock");
            await().atMost(Duration.ofSeconds(10)).until(() -> mailbox("alice").size() == 1 && queued() == 0);
        }
        assertThat(mailbox("alice").getFirst()).contains("Subject: on a test clock");
    }

    /** The first reply a new connection to {@code port} gets. */
    private static String greeting(int port) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            return dev.posthorn.smtp.ReplyParser.read(new dev.posthorn.smtp.io.LineReader(socket.getInputStream()))
                    .toString();
        }
    }
}
