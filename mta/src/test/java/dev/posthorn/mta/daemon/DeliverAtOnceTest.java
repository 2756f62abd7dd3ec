package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
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
 * Mail for one local Maildir mailbox is delivered before the 250 and never queued (one force fewer); whatever else
 * is queued as before: several recipients, a remote one, a success report asked for, a mailbox that cannot take it.
 */
class DeliverAtOnceTest {

    @TempDir
    Path dir;

    private Daemon start(DnsResponder dns, int outboundPort) throws Exception {
        return Daemon.start(OutboundRetryTest.config(dir, dns, outboundPort),
                OutboundRetryTest.quick(Duration.ofDays(1)));
    }

    private static double commits(Daemon daemon) {
        return daemon.metrics().get("posthorn.spool.commit").timer().count();
    }

    private List<String> alice() throws IOException {
        return Maildirs.messages(dir.resolve("mail/alice"));
    }

    private long queued() throws IOException {
        return SpoolFiles.messages(dir);
    }

    @Test
    void mailForOneLocalMailboxIsInItWhenThe250ComesAndNeverQueued() throws Exception {
        try (DnsResponder dns = OutboundRetryTest.dns(); Daemon daemon = start(dns, 9)) {
            for (int i = 0; i < 3; i++) {
                TestMail.send(daemon.addresses().getFirst(), "s@client.test", "alice@a.test", "at once " + i,
                        "hello " + i + "\r\n");
                assertThat(alice()).hasSize(i + 1); // no waiting: the 250 came after the copy was forced
            }
            assertThat(commits(daemon)).isZero();
            assertThat(queued()).isZero();
            assertThat(String.join("", alice())).contains("Subject: at once 2", "hello 2", "Received: ");
            assertThat(daemon.metrics().get("posthorn.delivery.attempts").tag("transport", "maildir")
                    .tag("outcome", "delivered").counter().count()).isEqualTo(3);
            // Small bodies stayed in memory: the spool was not touched at all.
            assertThat(queueFiles()).isEmpty();

            // A body larger than what is kept in memory goes to a spool file first, kept as a spare afterwards.
            String big = ("0123456789".repeat(9) + "\r\n").repeat(SpoolSink.IN_MEMORY / 92 + 100);
            TestMail.send(daemon.addresses().getFirst(), "s@client.test", "alice@a.test", "big", big);
            assertThat(alice()).hasSize(4);
            assertThat(alice().stream().filter(m -> m.contains("Subject: big")).findFirst().orElseThrow())
                    .contains(big.replace("\r\n", "\n"));
            assertThat(commits(daemon)).isZero();
            assertThat(queueFiles()).singleElement().asString().startsWith("spare.");
        }
    }

    private List<String> queueFiles() throws IOException {
        try (var files = Files.list(dir.resolve("spool/queue"))) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }

    @Test
    void aMailboxThatCannotTakeItNowGetsItFromTheQueue() throws Exception {
        try (DnsResponder dns = OutboundRetryTest.dns(); Daemon daemon = start(dns, 9)) {
            Path mailbox = dir.resolve("mail/alice");
            Files.createDirectories(mailbox.getParent());
            Files.writeString(mailbox, "in the way"); // not a folder: the Maildir cannot be made
            TestMail.send(daemon.addresses().getFirst(), "s@client.test", "alice@a.test", "later", "queued\r\n");
            assertThat(commits(daemon)).isEqualTo(1);
            Files.delete(mailbox);
            await().atMost(Duration.ofSeconds(15)).until(() -> alice().size() == 1 && queued() == 0);
            assertThat(alice().getFirst()).contains("Subject: later");
        }
    }

    @Test
    void severalRecipientsARemoteOneAndASuccessReportAreQueued() throws Exception {
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting());
             Daemon daemon = start(dns, server.port())) {
            InetSocketAddress smtp = daemon.addresses().getFirst();
            TestMail.send(smtp, "s@client.test", "alice@a.test, x@far.test", "two", "two\r\n");
            TestMail.send(smtp, "s@client.test", "x@far.test", "remote", "remote\r\n");
            Properties session = TestMail.session(smtp);
            session.put("mail.smtp.dsn.notify", "SUCCESS");
            MimeMessage notify = TestMail.message(session, "alice@a.test", "alice@a.test", "tell me", "dsn\r\n");
            Transport.send(notify);
            assertThat(commits(daemon)).isEqualTo(3);
            // alice: "two", "tell me", and the success report for "tell me"
            await().atMost(Duration.ofSeconds(15)).until(() -> alice().size() == 3 && server.received().size() == 2
                    && queued() == 0);
            assertThat(String.join("", alice())).contains("Subject: two", "Subject: tell me",
                    "Action: delivered");
        }
    }
}
