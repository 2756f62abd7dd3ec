package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Checks;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dns;
import dev.posthorn.mta.config.Network;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import dev.posthorn.smtp.client.Recipient;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inbound SPF, DMARC and Authentication-Results end to end: the daemon's MX listener, a real client on loopback,
 * policies served by a DNS responder, delivery to Maildir.
 */
class InboundAuthenticationTest {

    private static final DnsResponderBuilder ZONES = DnsResponder.builder()
            .zone("sender.test").zone("forged.test").zone("quarantine.test").zone("spffail.test").zone("down.test")
            .txt("sender.test", "v=spf1 ip4:127.0.0.0/8 -all")
            .txt("_dmarc.sender.test", "v=DMARC1; p=reject")
            .txt("forged.test", "v=spf1 -all")
            .txt("_dmarc.forged.test", "v=DMARC1; p=reject; rua=mailto:reports@forged.test")
            .txt("quarantine.test", "v=spf1 -all")
            .txt("_dmarc.quarantine.test", "v=DMARC1; p=quarantine")
            .txt("spffail.test", "v=spf1 -all")
            .servfail("down.test").servfail("_dmarc.down.test");

    @TempDir
    Path dir;

    private DnsResponder dns;

    @BeforeEach
    void startDns() throws IOException {
        dns = ZONES.start();
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    private Config config(Checks checks) throws IOException {
        Path list = Files.writeString(dir.resolve("suffixes.dat"), "// the test top-level domain\ntest\n");
        Config c = TestConfigs.conformance(dir);
        return new Config(c.hostname(), c.spool(), c.listeners(), c.tls(), c.trustedNetworks(), c.limits(),
                c.domains(), c.usersFile(), new Dns(List.of(dns.address()), Duration.ofSeconds(1)), c.queue(),
                c.relay(), c.routes(), c.outbound()).withChecks(new Checks(checks.spf(), checks.dkim(),
                checks.dmarc(), checks.rejectSpfFail(), checks.dmarcReject(), checks.deferOnTemperror(),
                Optional.of(list)));
    }

    private static Checks rejecting() {
        return new Checks(true, true, true, true, true, false, Optional.empty());
    }

    private static Checks headersOnly() {
        return new Checks(true, true, true, false, false, false, Optional.empty());
    }

    /** Sends {@code message} from {@code sender} to alice; the final reply for her. */
    private static Reply send(Daemon daemon, String sender, String message) throws IOException {
        try (SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1",
                daemon.addresses().getFirst().getPort()), SmtpClient.Protocol.SMTP, "client.test",
                ClientTimeouts.all(Duration.ofSeconds(20)))) {
            return client.send(ReversePath.of(Mailbox.parse(sender, false)), MailParameters.NONE,
                    List.of(Recipient.of(ForwardPath.of(Mailbox.parse("alice@posthorn.test", false)))),
                    new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)))
                    .recipients().getFirst().reply();
        }
    }

    private static String message(String from, String... extraFields) {
        return String.join("", Stream.of(extraFields).map(f -> f + "\r\n").toList())
                + "From: " + from + "\r\nTo: alice@posthorn.test\r\nSubject: test\r\n\r\nhello\r\n";
    }

    private String delivered() throws IOException {
        await().atMost(Duration.ofSeconds(10)).until(() -> Maildirs.messages(dir.resolve("mail/alice")).size() == 1);
        return Maildirs.messages(dir.resolve("mail/alice")).getFirst();
    }

    private long spooled() throws IOException {
        long count = 0;
        for (String folder : List.of("spool/queue", "spool/tmp")) {
            try (Stream<Path> files = Files.list(dir.resolve(folder))) {
                count += files.count();
            }
        }
        return count;
    }

    @Test
    void mailFromAnSpfAuthorisedAddressGetsResultsWithSpfPass() throws Exception {
        try (Daemon daemon = Daemon.start(config(rejecting()))) {
            Reply reply = send(daemon, "bob@sender.test", message("Bob <bob@sender.test>"));
            assertThat(reply.code()).isEqualTo(250);
            delivered(); // while the daemon runs: a stopped queue runner delivers nothing
        }
        String mail = delivered();
        assertThat(mail).contains("Delivered-To: alice@posthorn.test\nAuthentication-Results: mx.posthorn.test;\n"
                + "\tspf=pass reason=\"sender.test: 127.0.0.1 matched ip4\" smtp.mailfrom=bob@sender.test;\n"
                + "\tdkim=none;\n"
                + "\tdmarc=pass (p=reject dis=none) header.from=sender.test\n"
                + "Received: from client.test ([127.0.0.1])");
        assertThat(mail).endsWith("\nhello\n");
    }

    @Test
    void forgedResultsNamingThisServerAreRemovedAndOthersKept() throws Exception {
        try (Daemon daemon = Daemon.start(config(headersOnly()))) {
            Reply reply = send(daemon, "bob@sender.test", message("bob@sender.test",
                    "Authentication-Results: mx.posthorn.test;\r\n\tspf=pass smtp.mailfrom=ceo@bank.test",
                    "Authentication-Results: other.test; dkim=pass header.d=other.test",
                    "Authentication-Results: MX.POSTHORN.TEST 1; dmarc=pass header.from=bank.test"));
            assertThat(reply.code()).isEqualTo(250);
            delivered(); // while the daemon runs: a stopped queue runner delivers nothing
        }
        String mail = delivered();
        assertThat(mail.split("Authentication-Results: mx.posthorn.test", -1)).hasSize(2);
        assertThat(mail).contains("Authentication-Results: other.test; dkim=pass header.d=other.test\n")
                .doesNotContain("bank.test").doesNotContain("MX.POSTHORN.TEST");
    }

    @Test
    void dmarcRejectPolicyIsRefusedWith550AndNothingIsQueued() throws Exception {
        try (Daemon daemon = Daemon.start(config(rejecting()))) {
            Reply reply = send(daemon, "ceo@forged.test", message("CEO <ceo@forged.test>"));
            assertThat(reply.toString()).startsWith("550 5.7.1 ");
            assertThat(spooled()).isZero();
        }
        assertThat(Maildirs.messages(dir.resolve("mail/alice"))).isEmpty();
    }

    @Test
    void dmarcRejectPolicyIsOnlyMarkedWithoutDmarcReject() throws Exception {
        try (Daemon daemon = Daemon.start(config(headersOnly()))) {
            assertThat(send(daemon, "ceo@forged.test", message("ceo@forged.test")).code()).isEqualTo(250);
            delivered(); // while the daemon runs: a stopped queue runner delivers nothing
        }
        assertThat(delivered()).contains("\tspf=fail").contains("\tdmarc=fail (p=reject dis=reject)");
    }

    @Test
    void quarantinePolicyIsAcceptedWithTheResults() throws Exception {
        try (Daemon daemon = Daemon.start(config(new Checks(true, true, true, false, true, false,
                Optional.empty())))) {
            assertThat(send(daemon, "x@quarantine.test", message("x@quarantine.test")).code()).isEqualTo(250);
            delivered(); // while the daemon runs: a stopped queue runner delivers nothing
        }
        assertThat(delivered()).contains("\tdmarc=fail (p=quarantine dis=quarantine) reason=\"no aligned SPF or DKIM "
                + "pass\" header.from=quarantine.test\n");
    }

    @Test
    void spfFailWithRejectSpfFailIsRefusedWith550_5_7_23() throws Exception {
        try (Daemon daemon = Daemon.start(config(rejecting()))) {
            Reply reply = send(daemon, "x@spffail.test", message("x@spffail.test"));
            assertThat(reply.toString()).startsWith("550 5.7.23 ");
            assertThat(spooled()).isZero();
        }
    }

    @Test
    void temporaryDnsErrorsNeverRefuse() throws Exception {
        try (Daemon daemon = Daemon.start(config(rejecting()))) {
            assertThat(send(daemon, "x@down.test", message("x@down.test")).code()).isEqualTo(250);
            delivered(); // while the daemon runs: a stopped queue runner delivers nothing
        }
        assertThat(delivered()).contains("\tspf=temperror").contains("\tdmarc=temperror");
    }

    @Test
    void temporaryDnsErrorsDeferWhenAskedTo() throws Exception {
        try (Daemon daemon = Daemon.start(config(new Checks(true, true, true, true, true, true, Optional.empty())))) {
            Reply reply = send(daemon, "x@down.test", message("x@down.test"));
            assertThat(reply.toString()).startsWith("451 4.4.3 ");
            assertThat(spooled()).isZero();
        }
    }

    @Test
    void mailWithoutExactlyOneFromDomainIsRefusedUnderDmarcReject() throws Exception {
        try (Daemon daemon = Daemon.start(config(rejecting()))) {
            Reply two = send(daemon, "bob@sender.test", message("bob@sender.test", "From: ceo@forged.test"));
            assertThat(two.toString()).startsWith("550 5.7.1 ");
            Reply mixed = send(daemon, "bob@sender.test", message("bob@sender.test, ceo@forged.test"));
            assertThat(mixed.toString()).startsWith("550 5.7.1 ");
            assertThat(spooled()).isZero();
        }
    }

    @Test
    void resultsGoOnTopOfHeaderFieldsAnotherStageAdded() {
        SpoolEnvelope envelope = Envelopes.of("01TOP", Instant.now(), "", "bob@posthorn.test")
                .withHeaderOnTop("X-First: 1\r\n")
                .withHeaderOnTop("Authentication-Results: mx.posthorn.test; none\r\n");
        assertThat(envelope.headers()).isEqualTo("Authentication-Results: mx.posthorn.test; none\r\nX-First: 1\r\n");
    }

    @Test
    void trustedClientsAreNotChecked() throws Exception {
        Config config = config(rejecting());
        Config trusting = config.withTrust(List.of(Network.parse("127.0.0.0/8")), config.limits());
        try (Daemon daemon = Daemon.start(trusting)) {
            assertThat(send(daemon, "ceo@forged.test", message("ceo@forged.test",
                    "Authentication-Results: mx.posthorn.test; none")).code()).isEqualTo(250);
            delivered(); // while the daemon runs: a stopped queue runner delivers nothing
        }
        assertThat(delivered()).contains("Delivered-To: alice@posthorn.test\nReceived: ")
                .contains("\nAuthentication-Results: mx.posthorn.test; none\nFrom: ").doesNotContain("spf=");
        assertThat(dns.queryCount()).isZero();
    }
}
