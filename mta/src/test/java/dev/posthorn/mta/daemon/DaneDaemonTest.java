package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.config.Dns;
import dev.posthorn.mta.config.Limits;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.config.Network;
import dev.posthorn.mta.config.Outbound;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.testing.DnsResponder;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * DANE between two daemons, configured as an operator would: a.test on 127.0.0.2 has {@code outbound.tls: dane} and
 * the test zone's trust anchor in {@code dns.dnssec_trust_anchor}; b.test on 127.0.0.3 serves STARTTLS with its
 * self-signed certificate, which the signed zone b.test pins with a TLSA 3 1 1 record (or pins another key).
 */
class DaneDaemonTest {

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> mailLog = new ListAppender<>();
    private final Logger mailLogger = (Logger) LoggerFactory.getLogger("posthorn.mail");

    @BeforeEach
    void listen() {
        mailLog.start();
        mailLogger.addAppender(mailLog);
    }

    @AfterEach
    void stopListening() {
        mailLogger.detachAppender(mailLog);
    }

    private Config config(String name, String address, int port, DnsResponder dns, Path anchor, int outboundPort)
            throws Exception {
        LocalDomain domain = new LocalDomain(name, new Mailboxes.Listed(Set.of("bob", "alice")), Map.of(),
                Optional.empty(), true, new LocalDelivery.Maildir(dir.resolve(name).resolve("mail")));
        return new Config("mx." + name, dir.resolve(name).resolve("spool"),
                List.of(new Listener(InetAddress.getByName(address), port, Listener.Role.MX)), Optional.empty(),
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

    private List<String> mailLogLines() {
        return mailLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static void send(InetSocketAddress server) throws Exception {
        TestMail.send(server, "alice@a.test", "bob@b.test", "pinned", "over DANE\r\n");
    }

    private void deliverToBob(byte[] pinned) throws Exception {
        int port = FreePorts.on("127.0.0.3");
        try (DnsResponder dns = DnsResponder.builder().signed("test").signed("b.test")
                .mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.3")
                .tlsa("_25._tcp.mx.b.test", 3, 1, 1, pinned).start()) {
            Path anchor = Files.writeString(dir.resolve("anchor.zone"), dns.trustAnchors());
            try (Daemon b = Daemon.start(config("b.test", "127.0.0.3", port, dns, anchor, port));
                 Daemon a = Daemon.start(config("a.test", "127.0.0.2", 0, dns, anchor, port))) {
                assertThat(b.addresses()).singleElement().satisfies(address -> assertThat(address.getPort())
                        .isEqualTo(port));
                send(a.addresses().getFirst());
                await().atMost(Duration.ofSeconds(20)).until(() -> mailLogLines().stream()
                        .anyMatch(line -> line.contains("to=<bob@b.test>") && !line.contains("queued")));
            }
        }
    }

    @Test
    void daemonWithDanePolicyDeliversOverTlsVerifiedByTlsa() throws Exception {
        deliverToBob(receivingKeyDigest());
        assertThat(mailLogLines()).anySatisfy(line -> assertThat(line).contains("delivered to=<bob@b.test>")
                .contains("mx.b.test[127.0.0.3] (TLSv1.").contains("tls=dane"));
        List<String> mail = Maildirs.messages(dir.resolve("b.test").resolve("mail").resolve("bob"));
        assertThat(mail).singleElement().asString().contains("with ESMTPS", "Subject: pinned");
    }

    @Test
    void daemonWithDanePolicyDefersWhenTheCertificateDoesNotMatch() throws Exception {
        receivingKeyDigest();
        deliverToBob(new byte[32]);
        assertThat(mailLogLines()).anySatisfy(line -> assertThat(line).contains("deferred to=<bob@b.test>")
                .contains("4.7.5 DANE: mx.b.test[127.0.0.3]").contains("no TLSA record matches"));
        assertThat(Maildirs.messages(dir.resolve("b.test").resolve("mail").resolve("bob"))).isEmpty();
    }
}
