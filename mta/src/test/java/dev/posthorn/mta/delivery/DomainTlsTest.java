package dev.posthorn.mta.delivery;

import static dev.posthorn.mta.sts.PolicyServer.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.mta.routing.RouteTarget;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.sts.MtaSts;
import dev.posthorn.mta.sts.PolicyFetcher;
import dev.posthorn.mta.sts.PolicyServer;
import dev.posthorn.mta.sts.PolicyStore;
import dev.posthorn.mta.tls.TestCa;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.mta.tls.Trust;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-domain TLS levels ({@code outbound.tls_policy}) over loopback: DNS on 127.0.0.1 names mx.example.net at
 * 127.0.0.3, where a Posthorn server listens with a certificate from the test's CA, an untrusted one, or no TLS.
 */
class DomainTlsTest {

    private static final SpoolEnvelope ENVELOPE =
            Envelopes.of("01LEVEL", Instant.now(), "s@posthorn.test", "a@example.net");

    @TempDir
    Path dir;

    private final TestCa ca = TestCa.create("Posthorn Test CA");
    private final Receivers mx = new Receivers();
    private DnsResponder dns;
    private Trust trust;

    @BeforeEach
    void start() throws Exception {
        dns = DnsResponder.builder().zone("example.net").mx("example.net", 10, "mx.example.net")
                .a("mx.example.net", "127.0.0.3")
                .txt("_mta-sts.example.net", "v=STSv1; id=1").a("mta-sts.example.net", "127.0.0.4").start();
        trust = Trust.fromPem(ca.writePem(dir.resolve("ca.pem")));
    }

    @AfterEach
    void stop() {
        mx.close();
        dns.close();
    }

    private SmtpTransport transport(TlsPolicy level, int port, Optional<MtaSts> sts) {
        MxResolver resolver = new MxResolver(DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(2)),
                new SplittableRandom(5));
        return new SmtpTransport(resolver, "out.posthorn.test", port, ClientTimeouts.all(Duration.ofSeconds(5)),
                new DomainTls(TlsPolicy.MAY, Map.of("example.net", level), trust, sts, Optional.empty()));
    }

    private Outcome send(TlsPolicy level) {
        try (SmtpTransport transport = transport(level, mx.port(), Optional.empty())) {
            return transport.deliver(ENVELOPE, Envelopes.mailboxes("a@example.net"), Bodies.of("x\r\n"),
                    new DeliveryTrace()).getFirst();
        }
    }

    @Test
    void verifyDeliversToAServerWithATrustedCertificateForItsName() throws Exception {
        mx.start("127.0.0.3", "mx.example.net", ServerTls.of(ca.serverContext("mx.example.net")));
        assertThat(send(TlsPolicy.VERIFY)).isInstanceOf(Outcome.Delivered.class);
        assertThat(mx.received().getFirst().session().tls()).isNotNull();
    }

    @Test
    void verifyDefersOnAnUntrustedCertificate() throws Exception {
        mx.start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
        Outcome outcome = send(TlsPolicy.VERIFY);
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcome.diagnostic()).startsWith("451 4.7.5 mx.example.net[127.0.0.3]: certificate not trusted");
        assertThat(mx.received()).isEmpty();
    }

    @Test
    void encryptTakesAnyCertificateButNeedsTls() throws Exception {
        mx.start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("elsewhere.test"));
        Outcome outcome = send(TlsPolicy.ENCRYPT);
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).contains("(TLSv1.3)");
    }

    @Test
    void encryptDefersWhenStartTlsIsNotOffered() throws Exception {
        mx.start("127.0.0.3", "mx.example.net", null);
        Outcome outcome = send(TlsPolicy.ENCRYPT);
        assertThat(outcome.diagnostic()).startsWith("451 4.7.4").contains("TLS is required (encrypt)");
        assertThat(mx.received()).isEmpty();
    }

    @Test
    void noneSendsInClearEvenWhenTlsIsOffered() throws Exception {
        mx.start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
        Outcome outcome = send(TlsPolicy.NONE);
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(mx.received().getFirst().session().tls()).isNull();
    }

    @Test
    void daneWithoutAVerifierDefersWithoutConnecting() throws Exception {
        try (FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                n -> FakeSmtpServer.Script.accepting());
             SmtpTransport transport = transport(TlsPolicy.DANE, server.port(), Optional.empty())) {
            Outcome outcome = transport.deliver(ENVELOPE, Envelopes.mailboxes("a@example.net"), Bodies.of("x\r\n"),
                    new DeliveryTrace()).getFirst();
            assertThat(outcome.diagnostic()).startsWith("451 4.7.5").contains("DANE is required");
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void theDomainsOwnLevelOverridesItsMtaStsPolicy() throws Exception {
        mx.start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
        try (PolicyServer https = PolicyServer.start("127.0.0.4", ca.serverContext("mta-sts.example.net"))
                .serve(policy("enforce", "mx.example.net"))) {
            DnsClient client = DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(2));
            MxResolver resolver = new MxResolver(client);
            MtaSts sts = new MtaSts(client, new PolicyFetcher(client, trust, https.port(),
                    Duration.ofSeconds(3), Duration.ofSeconds(6)), new PolicyStore(dir.resolve("sts")),
                    Clock.systemUTC());
            try (sts; SmtpTransport transport = transport(TlsPolicy.MAY, mx.port(), Optional.of(sts))) {
                Outcome outcome = transport.deliver(ENVELOPE, Envelopes.mailboxes("a@example.net"),
                        Bodies.of("x\r\n"), new DeliveryTrace()).getFirst();
                assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
                assertThat(https.requests()).isZero();   // the configured level is decided before MTA-STS is asked
            }
        }
    }

    @Test
    void aRouteForTheDomainTakesItsLevel() throws Exception {
        mx.start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
        try (SmtpTransport smtp = transport(TlsPolicy.VERIFY, 25, Optional.empty())) {
            RemoteDelivery outbound = new RemoteDelivery(smtp, Optional.empty(),
                    Map.of("example.net", new RouteTarget.Smtp(new HostPort("127.0.0.3", mx.port()))), r -> null,
                    SmtpTransport.Policy.of(TlsPolicy.MAY));
            Outcome outcome = outbound.deliver(ENVELOPE, Envelopes.mailboxes("a@example.net"), Bodies.of("x\r\n"),
                    new DeliveryTrace())
                    .getFirst();
            assertThat(outcome.diagnostic()).startsWith("451 4.7.5");
            assertThat(mx.received()).isEmpty();
        }
    }
}
