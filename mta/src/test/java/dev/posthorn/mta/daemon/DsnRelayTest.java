package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.bounce.Dsns;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.routing.LmtpTarget;
import dev.posthorn.mta.routing.RouteTarget;
import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.DsnReturn;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.OriginalRecipient;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import dev.posthorn.smtp.client.Recipient;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.client.TransactionResult;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import jakarta.mail.internet.InternetHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Success notices for mail that leaves (RFC 3461 5.2.2, 5.2.3; RFC 3464 2.3.3): towards a server that offers DSN
 * the request travels on and the next hop reports; towards one that does not, the sender is told "relayed"; a
 * mailbox here or an LMTP server is final delivery, "delivered".
 */
class DsnRelayTest {

    private static final String MESSAGE = "From: alice@a.test\r\nSubject: tell me\r\n\r\nbody\r\n";
    private static final RetrySchedule QUICK = OutboundRetryTest.quick(Duration.ofDays(1));

    @TempDir
    Path dir;

    private Config config(DnsResponder dns, int port) throws IOException {
        return OutboundRetryTest.config(dir, dns, port);
    }

    /** Sends from alice@a.test with RET=HDRS and ENVID, each recipient with NOTIFY=SUCCESS,FAILURE and an ORCPT. */
    private static void send(Daemon daemon, String... to) throws IOException {
        try (SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1",
                        daemon.addresses().getFirst().getPort()), SmtpClient.Protocol.SMTP, "client.test",
                ClientTimeouts.all(Duration.ofSeconds(10)))) {
            List<Recipient> recipients = new ArrayList<>();
            for (String address : to) {
                recipients.add(new Recipient(ForwardPath.of(Mailbox.parse(address, true)), new RcptParameters(
                        EnumSet.of(DsnNotify.SUCCESS, DsnNotify.FAILURE),
                        new OriginalRecipient("rfc822", "list+" + address))));
            }
            TransactionResult result = client.send(ReversePath.of(Mailbox.parse("alice@a.test", true)),
                    new MailParameters(OptionalLong.empty(), null, false, DsnReturn.HDRS, "ENV42", null), recipients,
                    new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
            assertThat(result.recipients()).allMatch(TransactionResult.RecipientResult::delivered);
            client.quit();
        }
    }

    private long queued() throws IOException {
        return SpoolFiles.messages(dir);
    }

    /** Waits until the queue is empty: any report was committed before its original left, so it is delivered. */
    private List<String> reportsAfterTheQueueEmpties(Daemon daemon) throws IOException {
        await().atMost(Duration.ofSeconds(15)).until(() -> queued() == 0 && daemon.runner().isIdle());
        return Maildirs.messages(dir.resolve("mail/alice"));
    }

    private static DeliveryStatus status(String maildirText) throws Exception {
        return Dsns.read(maildirText.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)).status();
    }

    private static InternetHeaders recipient(DeliveryStatus status, String finalRecipient) {
        for (int i = 0; i < status.getRecipientDSNCount(); i++) {
            String[] field = status.getRecipientDSN(i).getHeader("Final-Recipient");
            if (field != null && field[0].equals("rfc822; " + finalRecipient)) {
                return status.getRecipientDSN(i);
            }
        }
        throw new AssertionError("no report on " + finalRecipient);
    }

    @Test
    void aServerOfferingDsnGetsTheRequestAndNoReportComesFromHere() throws Exception {
        Script dsn = Script.accepting().withExtensions(List.of("PIPELINING", "8BITMIME", "DSN"));
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0), n -> dsn);
             Daemon daemon = Daemon.start(config(dns, server.port()), QUICK)) {
            send(daemon, "bob@far.test");
            assertThat(reportsAfterTheQueueEmpties(daemon)).as("the next hop reports success").isEmpty();
            assertThat(server.received()).hasSize(1);
            assertThat(server.commands()).anySatisfy(c -> assertThat(c).startsWith("MAIL FROM:<alice@a.test>")
                    .contains(" RET=HDRS", " ENVID=ENV42"));
            assertThat(server.commands()).contains(
                    "RCPT TO:<bob@far.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;list+2Bbob@far.test"); // xtext
        }
    }

    @Test
    void aServerWithoutDsnGetsNoParametersAndTheSenderIsToldRelayed() throws Exception {
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting());
             Daemon daemon = Daemon.start(config(dns, server.port()), QUICK)) {
            send(daemon, "bob@far.test", "alice@a.test");
            List<String> reports = reportsAfterTheQueueEmpties(daemon);
            assertThat(server.commands()).contains("RCPT TO:<bob@far.test>")
                    .noneMatch(c -> c.contains("NOTIFY=") || c.contains("RET=") || c.contains("ENVID="));
            // alice's Maildir holds her copy of the message and the one report on both recipients
            List<String> dsns = reports.stream().filter(m -> m.contains("multipart/report")).toList();
            assertThat(dsns).hasSize(1);
            assertThat(dsns.getFirst()).contains("Relayed means");
            DeliveryStatus status = status(dsns.getFirst());
            assertThat(status.getMessageDSN().getHeader("Original-Envelope-Id")).containsExactly("ENV42");
            InternetHeaders bob = recipient(status, "bob@far.test");
            assertThat(bob.getHeader("Action")).containsExactly("relayed");
            assertThat(bob.getHeader("Status")).containsExactly("2.0.0");
            assertThat(bob.getHeader("Remote-MTA")).containsExactly("dns; mx.far.test");
            assertThat(bob.getHeader("Original-Recipient")).containsExactly("rfc822;list+bob@far.test");
            InternetHeaders alice = recipient(status, "alice@a.test");
            assertThat(alice.getHeader("Action")).containsExactly("delivered");
        }
    }

    @Test
    void anLmtpRouteIsFinalDeliveryEvenWhenTheServerOffersDsn() throws Exception {
        Script lmtp = Script.accepting().withExtensions(List.of("PIPELINING", "DSN"));
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0), n -> lmtp)) {
            Config base = config(dns, 9);
            Config routed = new Config(base.hostname(), base.spool(), base.listeners(), base.tls(),
                    base.trustedNetworks(), base.limits(), base.domains(), base.usersFile(), base.dns(), base.queue(),
                    base.relay(), Map.of("far.test", new RouteTarget.Lmtp(new LmtpTarget.Tcp("127.0.0.3",
                    server.port()))), base.outbound());
            try (Daemon daemon = Daemon.start(routed, QUICK)) {
                send(daemon, "bob@far.test");
                List<String> reports = reportsAfterTheQueueEmpties(daemon);
                assertThat(server.commands()).anyMatch(c -> c.startsWith("LHLO"));
                assertThat(reports).hasSize(1);
                assertThat(recipient(status(reports.getFirst()), "bob@far.test").getHeader("Action"))
                        .containsExactly("delivered");
            }
        }
    }
}
