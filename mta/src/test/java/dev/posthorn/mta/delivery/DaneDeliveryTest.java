package dev.posthorn.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.dane.Dane;
import dev.posthorn.mta.dane.TestPki.Issued;
import dev.posthorn.mta.dane.TestPki;
import dev.posthorn.mta.dane.Tlsa;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.mta.tls.Trust;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.server.SmtpServer;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DANE for SMTP (RFC 7672) end to end: a signed test zone served by the in-test DNS responder, validated from its own
 * trust anchor, names MX hosts on 127.0.0.3 and 127.0.0.4, where Posthorn's own server listens with the certificates
 * each test makes; the transport delivers under the DANE policy.
 */
class DaneDeliveryTest {

    private static final String MESSAGE = "Subject: dane\r\n\r\nauthenticated\r\n";
    private static final SpoolEnvelope ENVELOPE =
            Envelopes.of("01DANE", Instant.now(), "s@posthorn.test", "rcpt@dane.test");
    private static final Issued CA = TestPki.rootCa("DANE Test CA");

    private final List<SmtpServer> servers = new ArrayList<>();
    private final List<Envelope> received = new CopyOnWriteArrayList<>();
    private final List<String> sni = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(SmtpServer::close);
    }

    /** The zones: "test" signed (the trust anchor), "dane.test" signed below it, "plain.test" unsigned below it. */
    private static DnsResponderBuilder zones() {
        return DnsResponder.builder().signed("test").signed("dane.test").zone("plain.test");
    }

    /** A receiving server on {@code ip} (port 0 for any), with STARTTLS when {@code tls} is not null. */
    private int server(String ip, int port, ServerTls tls) throws IOException {
        SmtpServer.Builder builder = SmtpServer.builder().bind(ip, port).hostname("mx.dane.test")
                .sink((envelope, message) -> {
                    message.readAllBytes();
                    received.add(envelope);
                    return Replies.queued(envelope.id());
                });
        SmtpServer server = (tls == null ? builder : builder.tls(tls)).build().start();
        servers.add(server);
        return server.port();
    }

    private static Tlsa daneEe(Issued server) {
        return new Tlsa(Tlsa.Usage.DANE_EE, Tlsa.Selector.SPKI, Tlsa.Matching.SHA256, Tlsa.associationData(
                server.certificate(), Tlsa.Selector.SPKI, Tlsa.Matching.SHA256));
    }

    private static DnsResponderBuilder tlsa(DnsResponderBuilder zones, String host, int usage, int selector,
                                            int matching, byte[] data) {
        return zones.tlsa("_25._tcp." + host, usage, selector, matching, data);
    }

    private static DnsResponderBuilder tlsa(DnsResponderBuilder zones, String host, Tlsa record) {
        int usage = record.usage() == Tlsa.Usage.DANE_EE ? 3 : 2;
        int selector = record.selector() == Tlsa.Selector.SPKI ? 1 : 0;
        int matching = record.matching().ordinal();
        return tlsa(zones, host, usage, selector, matching, record.data());
    }

    private static List<Outcome> deliver(DnsResponder dns, int port, String domain) throws IOException {
        return deliver(dns, port, domain, new DeliveryTrace());
    }

    private static List<Outcome> deliver(DnsResponder dns, int port, String domain, DeliveryTrace trace)
            throws IOException {
        DnsClient validating = DnsClient.validating(List.of(dns.address()), Duration.ofSeconds(3),
                new ByteArrayInputStream(dns.trustAnchors().getBytes(StandardCharsets.US_ASCII)));
        Dane dane = new Dane(validating, new SplittableRandom(7), Clock.systemUTC());
        MxResolver plain = new MxResolver(DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(3)));
        try (SmtpTransport transport = new SmtpTransport(plain, "out.posthorn.test", port,
                ClientTimeouts.all(Duration.ofSeconds(5)), new DomainTls(TlsPolicy.DANE, Map.of(), Trust.jdk(),
                        Optional.empty(), Optional.of(dane)))) {
            return transport.deliver(ENVELOPE, Envelopes.mailboxes("rcpt@" + domain), Bodies.of(MESSAGE),
                    trace);
        }
    }

    @Test
    void tlsaDaneEeMatchingTheServersKeyDeliversWithDaneVerified() throws Exception {
        Issued key = TestPki.selfSigned(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(1)),
                "unrelated.name.test");
        int port = server("127.0.0.3", 0, TestPki.serverTls(key, sni));
        try (DnsResponder dns = tlsa(zones().mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "127.0.0.3"),
                "mx.dane.test", daneEe(key)).start()) {
            DeliveryTrace trace = new DeliveryTrace();
            List<Outcome> outcomes = deliver(dns, port, "dane.test", trace);
            assertThat(outcomes).singleElement().isInstanceOf(Outcome.Delivered.class);
            assertThat(outcomes.getFirst().diagnostic()).startsWith("mx.dane.test[127.0.0.3] (TLSv1.")
                    .contains("tls=dane)");
            assertThat(trace.policy()).isEqualTo("level dane-only; dane (outbound.tls (dane)); dane verdict authenticate");
            assertThat(trace.negotiatedProtocol()).hasValueSatisfying(p -> assertThat(p).startsWith("TLSv1."));
            assertThat(received).singleElement().satisfies(e -> assertThat(e.session().tls()).isNotNull());
            assertThat(sni).containsExactly("mx.dane.test");
        }
    }

    @Test
    void tlsaMismatchDefersWith475AndDeliversNothing() throws Exception {
        Issued key = TestPki.server(CA, "mx.dane.test");
        Issued other = TestPki.server(CA, "mx.dane.test");
        int port = server("127.0.0.3", 0, TestPki.serverTls(key));
        try (DnsResponder dns = tlsa(zones().mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "127.0.0.3"),
                "mx.dane.test", daneEe(other)).start()) {
            Outcome outcome = deliver(dns, port, "dane.test").getFirst();
            assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
            assertThat(outcome.diagnostic()).startsWith("451 4.7.5 DANE: mx.dane.test[127.0.0.3]")
                    .contains("no TLSA record matches");
            assertThat(received).isEmpty();
        }
    }

    @Test
    void startTlsNotOfferedUnderDaneDefers() throws Exception {
        int port = server("127.0.0.3", 0, null);
        try (DnsResponder dns = tlsa(zones().mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "127.0.0.3"),
                "mx.dane.test", daneEe(TestPki.server(CA, "mx.dane.test"))).start()) {
            Outcome outcome = deliver(dns, port, "dane.test").getFirst();
            assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
            assertThat(outcome.diagnostic()).startsWith("451 4.7.5 DANE:").contains("STARTTLS is required");
            assertThat(received).isEmpty();
        }
    }

    @Test
    void unsignedZoneGetsOpportunisticTlsAndItsTlsaRecordsAreIgnored() throws Exception {
        int port = server("127.0.0.3", 0, TestPki.serverTls(TestPki.server(CA, "mx.plain.test")));
        // The TLSA record matches nothing, but it is insecure, so it must not be used (RFC 7672 2.2).
        try (DnsResponder dns = zones().mx("plain.test", 10, "mx.plain.test").a("mx.plain.test", "127.0.0.3")
                .tlsa("_25._tcp.mx.plain.test", 3, 1, 1, new byte[32]).start()) {
            List<Outcome> outcomes = deliver(dns, port, "plain.test");
            assertThat(outcomes).singleElement().isInstanceOf(Outcome.Delivered.class);
            assertThat(outcomes.getFirst().diagnostic()).contains("(TLSv1.").doesNotContain("tls=dane");
            assertThat(received).hasSize(1);
        }
    }

    @Test
    void signedZoneWithoutTlsaRecordsGetsOpportunisticTls() throws Exception {
        int port = server("127.0.0.3", 0, null);
        try (DnsResponder dns = zones().mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "127.0.0.3").start()) {
            List<Outcome> outcomes = deliver(dns, port, "dane.test");
            assertThat(outcomes).singleElement().isInstanceOf(Outcome.Delivered.class);
            assertThat(outcomes.getFirst().diagnostic()).startsWith("mx.dane.test[127.0.0.3] said: 250")
                    .doesNotContain("tls=dane");
        }
    }

    @Test
    void bogusTlsaSignatureDefersAndTheHostIsNotContacted() throws Exception {
        Issued key = TestPki.server(CA, "mx.dane.test");
        try (FakeSmtpServer fake = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                n -> FakeSmtpServer.Script.accepting());
             DnsResponder dns = tlsa(zones().mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "127.0.0.3"),
                     "mx.dane.test", daneEe(key)).bogus("_25._tcp.mx.dane.test").start()) {
            Outcome outcome = deliver(dns, fake.port(), "dane.test").getFirst();
            assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
            assertThat(outcome.diagnostic()).startsWith("451 4.7.5 DANE: mx.dane.test: TLSA lookup")
                    .contains("bogus");
            assertThat(fake.connections()).isZero();
        }
    }

    @Test
    void bogusMxSignatureDefers() throws Exception {
        int port = server("127.0.0.3", 0, null);
        try (DnsResponder dns = zones().mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "127.0.0.3")
                .bogus("dane.test").start()) {
            Outcome outcome = deliver(dns, port, "dane.test").getFirst();
            assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
            assertThat(outcome.diagnostic()).startsWith("451 4.4.3").contains("bogus");
            assertThat(received).isEmpty();
        }
    }

    @Test
    void tlsaServfailOnASecureZoneMakesTheHostUnusable() throws Exception {
        int port = server("127.0.0.3", 0, null);
        try (DnsResponder dns = zones().mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "127.0.0.3")
                .servfail("_25._tcp.mx.dane.test").start()) {
            Outcome outcome = deliver(dns, port, "dane.test").getFirst();
            assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
            assertThat(outcome.diagnostic()).startsWith("451 4.7.5 DANE: mx.dane.test: TLSA lookup");
            assertThat(received).isEmpty();
        }
    }

    @Test
    void daneTaWithATestCaDeliversWhenTheNameMatches() throws Exception {
        Issued key = TestPki.server(CA, "mx.dane.test");
        int port = server("127.0.0.3", 0, TestPki.serverTls(key, CA.certificate()));
        Tlsa anchor = new Tlsa(Tlsa.Usage.DANE_TA, Tlsa.Selector.CERT, Tlsa.Matching.SHA256,
                Tlsa.associationData(CA.certificate(), Tlsa.Selector.CERT, Tlsa.Matching.SHA256));
        try (DnsResponder dns = tlsa(zones().mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "127.0.0.3"),
                "mx.dane.test", anchor).start()) {
            List<Outcome> outcomes = deliver(dns, port, "dane.test");
            assertThat(outcomes).singleElement().isInstanceOf(Outcome.Delivered.class);
            assertThat(outcomes.getFirst().diagnostic()).contains("tls=dane");
        }
    }

    @Test
    void daneTaRefusesACertificateForAnotherName() throws Exception {
        Issued key = TestPki.server(CA, "mail.elsewhere.test");
        int port = server("127.0.0.3", 0, TestPki.serverTls(key, CA.certificate()));
        Tlsa anchor = new Tlsa(Tlsa.Usage.DANE_TA, Tlsa.Selector.SPKI, Tlsa.Matching.SHA512,
                Tlsa.associationData(CA.certificate(), Tlsa.Selector.SPKI, Tlsa.Matching.SHA512));
        try (DnsResponder dns = tlsa(zones().mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "127.0.0.3"),
                "mx.dane.test", anchor).start()) {
            Outcome outcome = deliver(dns, port, "dane.test").getFirst();
            assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
            assertThat(outcome.diagnostic()).startsWith("451 4.7.5").contains("mail.elsewhere.test");
            assertThat(received).isEmpty();
        }
    }

    @Test
    void hostFailingDaneIsSkippedForTheNextMx() throws Exception {
        Issued good = TestPki.server(CA, "mx2.dane.test");
        Issued bad = TestPki.server(CA, "mx1.dane.test");
        int port = server("127.0.0.3", 0, TestPki.serverTls(bad));
        server("127.0.0.4", port, TestPki.serverTls(good));
        DnsResponderBuilder zones = zones().mx("dane.test", 10, "mx1.dane.test").a("mx1.dane.test", "127.0.0.3")
                .mx("dane.test", 20, "mx2.dane.test").a("mx2.dane.test", "127.0.0.4");
        zones = tlsa(tlsa(zones, "mx1.dane.test", daneEe(good)), "mx2.dane.test", daneEe(good));
        try (DnsResponder dns = zones.start()) {
            List<Outcome> outcomes = deliver(dns, port, "dane.test");
            assertThat(outcomes).singleElement().isInstanceOf(Outcome.Delivered.class);
            assertThat(outcomes.getFirst().diagnostic()).startsWith("mx2.dane.test[127.0.0.4]").contains("tls=dane");
            assertThat(received).singleElement().satisfies(e ->
                    assertThat(e.session().local().getAddress().getHostAddress()).isEqualTo("127.0.0.4"));
        }
    }

    @Test
    void onlyUnusableTlsaRecordsStillMakeStartTlsMandatory() throws Exception {
        int port = server("127.0.0.3", 0, null);
        // PKIX-EE (1) is unusable for SMTP (RFC 7672 3.1.3), but it says the server does TLS.
        try (DnsResponder dns = tlsa(zones().mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "127.0.0.3"),
                "mx.dane.test", 1, 1, 1, new byte[32]).start()) {
            Outcome outcome = deliver(dns, port, "dane.test").getFirst();
            assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
            assertThat(outcome.diagnostic()).startsWith("451 4.7.5").contains("STARTTLS is required");
        }
    }

    @Test
    void mxHostBehindACnameUsesTheTlsaRecordsOfTheCnameTarget() throws Exception {
        Issued key = TestPki.server(CA, "real.dane.test");
        int port = server("127.0.0.3", 0, TestPki.serverTls(key));
        try (DnsResponder dns = tlsa(zones().mx("dane.test", 10, "mx.dane.test").cname("mx.dane.test",
                "real.dane.test").a("real.dane.test", "127.0.0.3"), "real.dane.test", daneEe(key)).start()) {
            List<Outcome> outcomes = deliver(dns, port, "dane.test");
            assertThat(outcomes).singleElement().isInstanceOf(Outcome.Delivered.class);
            assertThat(outcomes.getFirst().diagnostic()).contains("tls=dane");
        }
    }
}
