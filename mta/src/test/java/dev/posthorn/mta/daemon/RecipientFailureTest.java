package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LmtpTarget;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-recipient failures end to end: a remote server's 550 at RCPT, and an LMTP server's 452 and 550 after the
 * data; each permanent failure comes back to the local sender as an RFC 3464 report that Angus Mail parses, each
 * temporary one is retried until it is delivered.
 */
class RecipientFailureTest {

    @TempDir
    Path dir;

    private List<String> alice() throws IOException {
        return Maildirs.messages(dir.resolve("mail/alice"));
    }

    @Test
    void remoteUnknownUserIsReportedWithTheServersReply() throws Exception {
        Script script = Script.accepting().withRcpt("gone@far.test", Reply.of(550, "5.1.1", "no such user here"));
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0), n -> script);
             Daemon daemon = Daemon.start(OutboundRetryTest.config(dir, dns, server.port()),
                     OutboundRetryTest.quick(Duration.ofDays(1)))) {
            OutboundRetryTest.send(daemon, "gone@far.test");
            await().atMost(Duration.ofSeconds(15)).until(() -> alice().size() == 1 && SpoolFiles.messages(dir) == 0);
            assertThat(server.received()).isEmpty();
            assertThat(server.connections()).as("a permanent failure is not retried").isEqualTo(1);
        }
        DeliveryStatus status = BounceTest.status(alice().getFirst());
        assertThat(status.getMessageDSN().getHeader("Reporting-MTA")).containsExactly("dns; mx.a.test");
        assertThat(status.getRecipientDSN(0).getHeader("Final-Recipient")).containsExactly("rfc822; gone@far.test");
        assertThat(status.getRecipientDSN(0).getHeader("Action")).containsExactly("failed");
        assertThat(status.getRecipientDSN(0).getHeader("Status")).containsExactly("5.1.1");
        assertThat(status.getRecipientDSN(0).getHeader("Remote-MTA")).containsExactly("dns; mx.far.test");
        assertThat(status.getRecipientDSN(0).getHeader("Diagnostic-Code"))
                .containsExactly("smtp; 550 5.1.1 no such user here");
    }

    @Test
    void lmtpTemporaryFailureIsRetriedAndPermanentFailureBounced() throws Exception {
        // First connection: busy@ is over quota for now, gone@ does not exist; later ones take everything.
        try (DnsResponder dns = OutboundRetryTest.dns();
             ScriptedLmtp lmtp = new ScriptedLmtp("127.0.0.4", (connection, rcpt) -> switch (rcpt) {
                 case "busy@b.test" -> connection == 0 ? "452 4.2.2 mailbox full, try later" : "250 2.0.0 delivered";
                 case "gone@b.test" -> "550 5.1.1 no such mailbox";
                 default -> "250 2.0.0 delivered";
             });
             Daemon daemon = Daemon.start(withLmtpDomain(OutboundRetryTest.config(dir, dns, 2525), lmtp.port()),
                     OutboundRetryTest.quick(Duration.ofDays(1)))) {
            OutboundRetryTest.send(daemon, "busy@b.test, gone@b.test, ok@b.test");
            await().atMost(Duration.ofSeconds(15)).until(() -> SpoolFiles.messages(dir) == 0 && alice().size() == 1);
            assertThat(lmtp.delivered()).containsExactly(new ScriptedLmtp.Delivered(0, "ok@b.test"),
                    new ScriptedLmtp.Delivered(1, "busy@b.test"));
            assertThat(lmtp.connections()).as("only busy@ is tried again, once").isEqualTo(2);
        }
        DeliveryStatus status = BounceTest.status(alice().getFirst());
        assertThat(status.getRecipientDSNCount()).as("only the permanent failure is reported").isEqualTo(1);
        assertThat(status.getRecipientDSN(0).getHeader("Final-Recipient")).containsExactly("rfc822; gone@b.test");
        assertThat(status.getRecipientDSN(0).getHeader("Action")).containsExactly("failed");
        assertThat(status.getRecipientDSN(0).getHeader("Status")).containsExactly("5.1.1");
        assertThat(status.getRecipientDSN(0).getHeader("Diagnostic-Code")[0]).contains("550 5.1.1 no such mailbox");
    }

    /** The configuration with the local domain b.test (busy, gone, ok) delivered over LMTP to 127.0.0.4. */
    private static Config withLmtpDomain(Config config, int port) {
        LocalDomain lmtp = new LocalDomain("b.test", new Mailboxes.Listed(Set.of("busy", "gone", "ok")), Map.of(),
                Optional.empty(), true, new LocalDelivery.Lmtp(new LmtpTarget.Tcp("127.0.0.4", port)));
        Map<String, LocalDomain> domains = new HashMap<>(config.domains());
        domains.put(lmtp.name(), lmtp);
        return config.withDomains(domains);
    }
}
