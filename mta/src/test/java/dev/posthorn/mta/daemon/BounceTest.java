package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.bounce.Dsns;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Network;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.schedule.RetrySchedule;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports to the sender: a permanent failure bounces, a long delay is noticed once, and reports never loop. */
class BounceTest {

    @TempDir
    Path dir;

    private Config config(LocalDelivery postDelivery, Set<String> mailboxes) throws IOException {
        Config base = TestConfigs.conformance(dir);
        LocalDomain post = new LocalDomain("posthorn.test", new Mailboxes.Listed(mailboxes), Map.of(),
                Optional.empty(), true, postDelivery);
        LocalDomain senders = new LocalDomain("senders.test", new Mailboxes.Listed(Set.of("sue")), Map.of(),
                Optional.empty(), true, new LocalDelivery.Maildir(dir.resolve("senders")));
        return base.withDomains(Map.of(post.name(), post, senders.name(), senders));
    }

    private static void send(Daemon daemon, String from, String to) throws Exception {
        send(daemon, from, to, 0);
    }

    private static void send(Daemon daemon, String from, String to, int hops) throws Exception {
        MimeMessage message = TestMail.message(TestMail.session(daemon.addresses().getFirst()), from, to,
                "to be reported on", "body\r\n");
        for (int i = 0; i < hops; i++) {
            message.addHeader("Received", "from hop" + i + ".test by hop" + (i + 1) + ".test; Mon, 23 Nov 2026");
        }
        Transport.send(message);
    }

    private List<String> maildir(String path) throws IOException {
        return Maildirs.messages(dir.resolve(path));
    }

    /** The delivery-status part of a report as delivered to a Maildir, parsed by Angus Mail. */
    static DeliveryStatus status(String maildirText) throws Exception {
        Dsns.Dsn report = Dsns.read(maildirText.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(report.message().getHeader("Return-Path")).containsExactly("<>");
        return report.status();
    }

    @Test
    void permanentFailureIsReportedToTheSender() throws Exception {
        Path blocked = Files.writeString(dir.resolve("blocked"), "not a folder");
        RetrySchedule quick = new RetrySchedule(List.of(Duration.ofMillis(200)), Duration.ofDays(1),
                Duration.ofDays(1));
        try (Daemon daemon = Daemon.start(config(new LocalDelivery.Maildir(blocked), Set.of("alice", "carol")), quick)) {
            send(daemon, "sue@senders.test", "carol@posthorn.test");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.list(dir.resolve("spool/queue"))
                    .anyMatch(f -> f.toString().endsWith(".state")));
        }
        // carol is gone from the configuration when delivery is tried again: a permanent failure.
        try (Daemon daemon = Daemon.start(config(new LocalDelivery.Maildir(dir.resolve("mail")), Set.of("alice")),
                quick)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> maildir("senders/sue").size() == 1);
            assertThat(Counts.reports(daemon, "failure")).as("one report, by the restarted daemon").isEqualTo(1);
        }
        DeliveryStatus status = status(maildir("senders/sue").getFirst());
        assertThat(status.getMessageDSN().getHeader("Reporting-MTA")).containsExactly("dns; mx.posthorn.test");
        assertThat(status.getRecipientDSN(0).getHeader("Final-Recipient")).containsExactly("rfc822; carol@posthorn.test");
        assertThat(status.getRecipientDSN(0).getHeader("Action")).containsExactly("failed");
        assertThat(status.getRecipientDSN(0).getHeader("Status")).containsExactly("5.1.1");
        assertThat(SpoolFiles.messages(dir)).isZero();
        assertThat(SpoolFiles.states(dir)).isEmpty();
    }

    @Test
    void longDelayIsNoticedOnceAndDeliveryGoesOn() throws Exception {
        Path blocked = Files.writeString(dir.resolve("blocked"), "not a folder");
        RetrySchedule quick = new RetrySchedule(List.of(Duration.ofMillis(100)), Duration.ofDays(1), Duration.ZERO);
        // From a trusted client: a sender nobody vouched for gets no delay notice (ReportReflectionTest).
        Config config = config(new LocalDelivery.Maildir(blocked), Set.of("alice"));
        config = config.withTrust(List.of(Network.parse("127.0.0.0/8")), config.limits());
        try (Daemon daemon = Daemon.start(config, quick)) {
            send(daemon, "sue@senders.test", "alice@posthorn.test");
            await().atMost(Duration.ofSeconds(10)).until(() -> !maildir("senders/sue").isEmpty());
            // Attempts of one message run one after another: once the fifth is counted, the four before it have
            // queued every report they were going to.
            await().atMost(Duration.ofSeconds(10)).until(() -> Counts.attempts(daemon, "deferred") >= 5);
            assertThat(Counts.reports(daemon, "delay")).as("one notice in five attempts").isEqualTo(1);
        }
        assertThat(maildir("senders/sue")).hasSize(1);
        DeliveryStatus status = status(maildir("senders/sue").getFirst());
        assertThat(status.getRecipientDSN(0).getHeader("Action")).containsExactly("delayed");
        assertThat(status.getRecipientDSN(0).getHeader("Status")[0]).startsWith("4.");
    }

    @Test
    void mailLoopIsStoppedAndReported() throws Exception {
        RetrySchedule quick = new RetrySchedule(List.of(Duration.ofMillis(200)), Duration.ofDays(1),
                Duration.ofDays(1));
        try (Daemon daemon = Daemon.start(config(new LocalDelivery.Maildir(dir.resolve("mail")), Set.of("alice")),
                quick)) {
            send(daemon, "sue@senders.test", "alice@posthorn.test", 100); // plus ours: 101
            await().atMost(Duration.ofSeconds(10)).until(() -> maildir("senders/sue").size() == 1);
        }
        assertThat(maildir("mail/alice")).isEmpty();
        DeliveryStatus status = status(maildir("senders/sue").getFirst());
        assertThat(status.getRecipientDSN(0).getHeader("Status")).containsExactly("5.4.6");
        assertThat(status.getRecipientDSN(0).getHeader("Diagnostic-Code")[0]).contains("mail loop");
    }
}
