package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dns;
import dev.posthorn.mta.config.Limits;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.config.Network;
import dev.posthorn.mta.config.Outbound;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import dev.posthorn.smtp.client.OpportunisticTls;
import dev.posthorn.smtp.client.Recipient;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.testing.DnsResponder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REQUIRETLS (RFC 8689) between two daemons, as DANE is set up in {@link DaneDaemonTest}: a.test on 127.0.0.2 with
 * {@code outbound.tls: dane} and the test zone's trust anchor; b.test on 127.0.0.3 with its self-signed certificate
 * pinned by a TLSA 3 1 1 record in the signed zone b.test (DNSSEC validates the MX name, DANE the certificate). A
 * message handed to a.test with {@code MAIL FROM:<...> REQUIRETLS} after STARTTLS reaches bob at b.test only while
 * b.test offers REQUIRETLS; with {@code requiretls: false} there, it returns to alice with 5.7.30.
 */
class RequireTlsDaemonTest {

    private static final String SECRET = "Subject: secret\r\n\r\nfor bob only\r\n";

    @TempDir
    Path dir;

    private Config config(String name, String address, int port, DnsResponder dns, Path anchor, int outboundPort,
                          boolean requireTls) throws IOException {
        LocalDomain domain = new LocalDomain(name, new Mailboxes.Listed(Set.of("bob", "alice")), Map.of(),
                Optional.empty(), true, new LocalDelivery.Maildir(dir.resolve(name).resolve("mail")));
        Listener listener = new Listener(InetAddress.getByName(address), port, Listener.Role.MX)
                .withRequireTls(requireTls);
        return new Config("mx." + name, dir.resolve(name).resolve("spool"), List.of(listener), Optional.empty(),
                List.of(Network.parse("127.0.0.0/8")), new Limits(1_000_000, 100, 100, 50, 1), Map.of(name, domain),
                Optional.empty(), new Dns(List.of(dns.address()), Duration.ofSeconds(2), Optional.of(anchor)),
                Config.defaults(dir).queue(), Optional.empty(), Map.of(), new Outbound(outboundPort, TlsPolicy.DANE));
    }

    /** b.test's certificate, made where its daemon will find it, and the SHA-256 of its public key. */
    private byte[] receivingKeyDigest() throws Exception {
        Path tls = dir.resolve("b.test").resolve("spool").resolve("tls");
        ServerTls.selfSignedFiles("mx.b.test", tls.resolve("cert.pem"), tls.resolve("key.pem"));
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(tls.resolve("cert.pem"))));
        return MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
    }

    private List<String> maildir(String domain, String mailbox) throws IOException {
        return Maildirs.messages(dir.resolve(domain).resolve("mail").resolve(mailbox));
    }

    private interface WithDaemons {
        void run(Daemon a) throws Exception;
    }

    /** Starts b.test (offering REQUIRETLS or not, its key pinned by {@code pinned}) and a.test; runs {@code then}. */
    private void withDaemons(boolean bOffers, byte[] pinned, WithDaemons then) throws Exception {
        int port = FreePorts.on("127.0.0.3");
        try (DnsResponder dns = DnsResponder.builder().signed("test").signed("b.test")
                .mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.3")
                .tlsa("_25._tcp.mx.b.test", 3, 1, 1, pinned).start()) {
            Path anchor = Files.writeString(dir.resolve("anchor.zone"), dns.trustAnchors());
            RetrySchedule quick = new RetrySchedule(List.of(Duration.ofMillis(300)), Duration.ofSeconds(3),
                    Duration.ofDays(1));
            try (Daemon b = Daemon.start(config("b.test", "127.0.0.3", port, dns, anchor, port, bOffers));
                 Daemon a = Daemon.start(config("a.test", "127.0.0.2", 0, dns, anchor, port, true), quick)) {
                assertThat(b.addresses()).singleElement().satisfies(address -> assertThat(address.getPort())
                        .isEqualTo(port));
                then.run(a);
            }
        }
    }

    /** Hands {@code message} from alice to bob to {@code daemon}, after STARTTLS, with REQUIRETLS when asked. */
    private static Reply submit(Daemon daemon, boolean requireTls, String message) throws IOException {
        InetSocketAddress server = daemon.addresses().getFirst();
        try (SmtpClient client = SmtpClient.connect(new Endpoint.Tcp(server.getAddress().getHostAddress(),
                server.getPort()), SmtpClient.Protocol.SMTP, "client.a.test",
                ClientTimeouts.all(Duration.ofSeconds(20)))) {
            assertThat(client.startTls(OpportunisticTls.context(), "mx.a.test", false)).isTrue();
            assertThat(client.capabilities().supports("REQUIRETLS")).isTrue();
            return client.send(ReversePath.of(Mailbox.parse("alice@a.test", false)),
                    MailParameters.NONE.withRequireTls(requireTls),
                    List.of(Recipient.of(ForwardPath.of(Mailbox.parse("bob@b.test", false)))),
                    new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8))).recipients().getFirst().reply();
        }
    }

    @Test
    void aRequireTlsMessageCrossesWhenTheSecondDaemonOffersRequireTlsOverTls() throws Exception {
        withDaemons(true, receivingKeyDigest(), a -> {
            assertThat(submit(a, true, SECRET).code()).isEqualTo(250);
            await().atMost(Duration.ofSeconds(20)).until(() -> maildir("b.test", "bob").size() == 1);
        });
        assertThat(maildir("b.test", "bob").getFirst()).contains("with ESMTPS", "Subject: secret");
        assertThat(maildir("a.test", "alice")).isEmpty();
    }

    @Test
    void withRequireTlsOffOnTheSecondDaemonItBouncesWith5730() throws Exception {
        withDaemons(false, receivingKeyDigest(), a -> {
            assertThat(submit(a, true, SECRET).code()).isEqualTo(250);
            await().atMost(Duration.ofSeconds(30)).until(() -> maildir("a.test", "alice").size() == 1);
        });
        assertThat(maildir("b.test", "bob")).isEmpty();
        // RFC 8689: 5.7.30; the report leaves the original out, its headers too.
        assertThat(maildir("a.test", "alice").getFirst()).contains("Action: failed", "Status: 5.7.30",
                "Final-Recipient: rfc822; bob@b.test", "does not advertise REQUIRETLS")
                .doesNotContain("Subject: secret", "for bob only");
    }

    /** RFC 8689 4.1: with REQUIRETLS on MAIL FROM, a TLS-Required field is ignored (and kept). */
    @Test
    void underRequireTlsATlsRequiredNoFieldIsIgnored() throws Exception {
        withDaemons(false, receivingKeyDigest(), a -> {
            assertThat(submit(a, true, "TLS-Required: No\r\n" + SECRET).code()).isEqualTo(250);
            await().atMost(Duration.ofSeconds(30)).until(() -> maildir("a.test", "alice").size() == 1);
        });
        assertThat(maildir("b.test", "bob")).isEmpty();
        assertThat(maildir("a.test", "alice").getFirst()).contains("Status: 5.7.30");
    }

    @Test
    void withoutRequireTlsTheSameMessageCrossesToADaemonThatDoesNotOfferIt() throws Exception {
        withDaemons(false, receivingKeyDigest(), a -> {
            assertThat(submit(a, false, SECRET).code()).isEqualTo(250);
            await().atMost(Duration.ofSeconds(20)).until(() -> maildir("b.test", "bob").size() == 1);
        });
    }

    @Test
    void tlsRequiredNoCrossesDespiteADaneMismatchAndKeepsTheField() throws Exception {
        receivingKeyDigest();
        String message = "TLS-Required: No\r\n" + SECRET;
        withDaemons(true, new byte[32], a -> {
            assertThat(submit(a, false, message).code()).isEqualTo(250);
            await().atMost(Duration.ofSeconds(20)).until(() -> maildir("b.test", "bob").size() == 1);
        });
        assertThat(maildir("b.test", "bob").getFirst()).contains("TLS-Required: No", "with ESMTPS");
    }

    @Test
    void plainTextSubmissionWithRequireTlsIsRefused() throws Exception {
        withDaemons(true, receivingKeyDigest(), a -> {
            try (Talk talk = new Talk(a.addresses().getFirst())) {
                assertThat(talk.read().code()).isEqualTo(220);
                assertThat(talk.command("EHLO client.a.test").lines()).doesNotContain("REQUIRETLS");
                Reply reply = talk.command("MAIL FROM:<alice@a.test> REQUIRETLS");
                assertThat(reply.code()).isEqualTo(530);
                assertThat(reply.status()).hasToString("5.7.10");
            }
        });
    }
}
