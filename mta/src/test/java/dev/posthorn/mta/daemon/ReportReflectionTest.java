package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.mta.spool.Origin;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import jakarta.mail.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Success reports are no way to make Posthorn mail a body of the client's choosing to an address of its choosing:
 * a client that is neither trusted nor authenticated names a victim as the sender, asks RET=FULL and NOTIFY=SUCCESS
 * for a local recipient, and would have the report (with the whole message attached) go to the victim from
 * MAILER-DAEMON. ext.test, the victim's domain, has its MX on a fake server that records what reaches it.
 */
class ReportReflectionTest {

    private static final String SPAM = "From: victim@ext.test\r\nTo: alice@a.test\r\nSubject: cheap pills\r\n\r\n"
            + "Buy cheap pills at http://spam.test/ today\r\n";
    private static final RetrySchedule QUICK = OutboundRetryTest.quick(Duration.ofDays(1));

    @TempDir
    Path dir;

    private static DnsResponder dns() throws IOException {
        return DnsResponder.builder().zone("ext.test").mx("ext.test", 10, "mx.ext.test").a("mx.ext.test", "127.0.0.3")
                .start();
    }

    /** a.test's MX (mx.a.test, alice), with loopback trusted or not. */
    private Config config(DnsResponder dns, int port, boolean loopbackTrusted) throws IOException {
        Config trusting = OutboundRetryTest.config(dir, dns, port);
        return loopbackTrusted ? trusting : trusting.withTrust(List.of(), trusting.limits());
    }

    /** The attack, as a raw SMTP session from 127.0.0.1. */
    private static void reflect(Daemon daemon) throws IOException {
        try (Talk talk = new Talk(daemon.addresses().getFirst())) {
            assertThat(talk.read().code()).isEqualTo(220);
            assertThat(talk.command("EHLO client.test").code()).isEqualTo(250);
            assertThat(talk.command("MAIL FROM:<victim@ext.test> RET=FULL").code()).isEqualTo(250);
            assertThat(talk.command("RCPT TO:<alice@a.test> NOTIFY=SUCCESS").code()).isEqualTo(250);
            assertThat(talk.command("DATA").code()).isEqualTo(354);
            assertThat(talk.command(SPAM + ".").code()).isEqualTo(250);
            talk.command("QUIT");
        }
    }

    /** Waits until the queue is empty: a report is committed before its original leaves, so it left too. */
    private void awaitEmptyQueue(Daemon daemon) {
        await().atMost(Duration.ofSeconds(15)).until(() -> SpoolFiles.messages(dir) == 0 && daemon.runner().isIdle());
    }

    @Test
    void anUntrustedClientGetsNoSuccessReportMailedToTheSenderItNames() throws Exception {
        try (DnsResponder dns = dns();
             FakeSmtpServer victim = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting());
             Daemon daemon = Daemon.start(config(dns, victim.port(), false), QUICK)) {
            reflect(daemon);
            awaitEmptyQueue(daemon);
            assertThat(Maildirs.messages(dir.resolve("mail/alice"))).singleElement()
                    .satisfies(m -> assertThat(m).contains("Buy cheap pills"));
            assertThat(victim.connections()).as("nothing is sent to victim@ext.test").isZero();
            assertThat(victim.received()).isEmpty();
        }
    }

    @Test
    void theEnvelopeRecordsThatTheClientWasUntrustedAndNoReportIsQueued() throws Exception {
        Files.writeString(dir.resolve("mail"), "not a folder"); // alice's delivery fails for now: the message stays
        try (DnsResponder dns = dns();
             FakeSmtpServer victim = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting());
             Daemon daemon = Daemon.start(config(dns, victim.port(), false), QUICK)) {
            reflect(daemon);
            await().atMost(Duration.ofSeconds(15)).until(() -> !SpoolFiles.states(dir).isEmpty());
            Spool spool = Spool.openForSubmission(dir.resolve("spool"));
            List<String> ids = spool.ids(10);
            assertThat(ids).as("the original only, no report").hasSize(1);
            SpoolEnvelope envelope = spool.load(ids.getFirst()).orElseThrow().envelope();
            assertThat(envelope.client().origin()).isEqualTo(Origin.UNTRUSTED);
        }
    }

    @Test
    void aTrustedClientStillGetsItsSuccessReportWithTheMessage() throws Exception {
        try (DnsResponder dns = dns();
             FakeSmtpServer sender = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting());
             Daemon daemon = Daemon.start(config(dns, sender.port(), true), QUICK)) {
            reflect(daemon);
            awaitEmptyQueue(daemon);
            assertThat(sender.received()).singleElement().satisfies(report -> {
                assertThat(report.sender()).isEmpty();
                assertThat(report.recipients()).containsExactly("victim@ext.test");
                assertThat(report.text()).contains("Successful Mail Delivery Report", "Action: delivered",
                        "Content-Type: message/rfc822", "Buy cheap pills");
            });
        }
    }

    @Test
    void anAuthenticatedUserStillGetsItsSuccessReportWithTheMessage() throws Exception {
        try (Daemon daemon = Daemon.start(TestConfigs.conformance(dir), QUICK)) {
            Properties p = TestMail.session(daemon.addresses().getFirst());
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.trust", "*"); // the self-signed certificate the daemon made
            p.put("mail.smtp.ssl.checkserveridentity", "false");
            p.put("mail.smtp.auth", "true");
            p.put("mail.smtp.dsn.ret", "FULL");
            p.put("mail.smtp.dsn.notify", "SUCCESS");
            Transport.send(TestMail.message(p, "alice@posthorn.test", "bob@posthorn.test", "tell me",
                    "Delivered, I hope\r\n"), "alice", "wonderland");
            awaitEmptyQueue(daemon);
            assertThat(Maildirs.messages(dir.resolve("mail/alice"))).singleElement().satisfies(report ->
                    assertThat(report).contains("Successful Mail Delivery Report", "Action: delivered",
                            "Content-Type: message/rfc822", "Delivered, I hope"));
        }
    }
}
