package dev.posthorn.mta.delivery;

import static dev.posthorn.mta.sts.PolicyServer.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.dane.Dane;
import dev.posthorn.mta.dane.TestPki.Issued;
import dev.posthorn.mta.dane.TestPki;
import dev.posthorn.mta.dane.Tlsa;
import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.mta.routing.RouteTarget;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where DANE sits among the TLS levels ({@link DomainTls}): the default {@code dane} ahead of MTA-STS where TLSA
 * records are published and MTA-STS where they are not, a domain's own {@code dane-only}, routes, and DNSSEC
 * validation only for domains at a DANE level. The signed zone dane.test (under the trust anchor "test") names
 * mx.dane.test at 127.0.0.3; an HTTPS server on 127.0.0.4 serves dane.test's MTA-STS policy with a certificate from a
 * CA made for the test (both the {@link MtaStsFixture}'s).
 */
class DanePolicyTest {

    private static final List<Mailbox> RCPT = Envelopes.mailboxes("rcpt@dane.test");

    @RegisterExtension
    final MtaStsFixture fixture = new MtaStsFixture("dane.test");

    private final Issued key = TestPki.selfSigned(Instant.now().minus(Duration.ofDays(1)),
            Instant.now().plus(Duration.ofDays(1)), "mx.dane.test");

    /** dane.test signed, with an MTA-STS record and policy host; broken.test signed but with bogus signatures. */
    private static DnsResponderBuilder zones() {
        return DnsResponder.builder().signed("test").signed("dane.test").signed("broken.test").bogus("broken.test")
                .mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "127.0.0.3")
                .txt("_mta-sts.dane.test", "v=STSv1; id=1;").a("mta-sts.dane.test", MtaStsFixture.POLICY_ADDRESS)
                .mx("broken.test", 10, "mx.broken.test").a("mx.broken.test", "127.0.0.3");
    }

    /** The zones with a DANE-EE record pinning the receiving server's key. */
    private DnsResponderBuilder pinned() {
        byte[] digest = Tlsa.associationData(key.certificate(), Tlsa.Selector.SPKI, Tlsa.Matching.SHA256);
        return zones().tlsa("_25._tcp.mx.dane.test", 3, 1, 1, digest);
    }

    private DnsResponder started(DnsResponderBuilder zones) throws java.io.IOException {
        return fixture.closeAfter(zones.start());
    }

    /** A transport as the daemon builds it: MTA-STS on, DANE validating from the zone's trust anchor. */
    private SmtpTransport transport(DnsResponder dns, TlsPolicy level, Map<String, TlsPolicy> perDomain, int port)
            throws Exception {
        DnsClient client = DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(2));
        Dane dane = new Dane(DnsClient.validating(List.of(dns.address()), Duration.ofSeconds(3),
                new ByteArrayInputStream(dns.trustAnchors().getBytes(StandardCharsets.US_ASCII))),
                new SplittableRandom(7), Clock.systemUTC());
        return fixture.transport(client, port, new DomainTls(level, perDomain, fixture.trust(),
                Optional.of(fixture.mtaSts(client)), Optional.of(dane)));
    }

    /** Sends to dane.test, its MX host mx.dane.test on 127.0.0.3 presenting {@code key}'s self-signed certificate. */
    private Outcome sendToDaneTest(DnsResponderBuilder zones, TlsPolicy level, Map<String, TlsPolicy> perDomain)
            throws Exception {
        fixture.mx().start("127.0.0.3", "mx.dane.test", TestPki.serverTls(key));
        return send(transport(started(zones), level, perDomain, fixture.mx().port()), "dane.test");
    }

    /** Sends to dane.test at the default {@code dane}, its MTA-STS policy enforcing mx.dane.test. */
    private Outcome sendUnderAnEnforcedPolicy(DnsResponderBuilder zones) throws Exception {
        fixture.https().serve(policy("enforce", "mx.dane.test"));
        return sendToDaneTest(zones, TlsPolicy.DANE, Map.of());
    }

    private static Outcome send(SmtpTransport transport, String domain) {
        String rcpt = "rcpt@" + domain;
        SpoolEnvelope envelope = Envelopes.of("01DANEP", Instant.now(), "s@posthorn.test", rcpt);
        return transport.deliver(envelope, Envelopes.mailboxes(rcpt), Bodies.of("Subject: x\r\n\r\nx\r\n"),
                new DeliveryTrace()).getFirst();
    }

    @Test
    void theDefaultDaneAuthenticatesByTlsaAheadOfAnEnforcedMtaStsPolicy() throws Exception {
        // Under MTA-STS alone the self-signed certificate would be refused; DANE pins its key, and wins (RFC 8461 2).
        Outcome outcome = sendUnderAnEnforcedPolicy(pinned());
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).contains("tls=dane");
        // Every MX host is DANE's: the MTA-STS policy is not even fetched.
        assertThat(fixture.https().requests()).isZero();
    }

    @Test
    void theDefaultDaneLeavesADomainWithoutTlsaRecordsToItsMtaStsPolicy() throws Exception {
        Outcome outcome = sendUnderAnEnforcedPolicy(zones());
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcome.diagnostic()).startsWith("451 4.7.5 mx.dane.test[127.0.0.3]: certificate not trusted");
        assertThat(fixture.https().requests()).isEqualTo(1);
        assertThat(fixture.mx().received()).isEmpty();
    }

    @Test
    void theDefaultDaneWithoutTlsaOrMtaStsIsOpportunistic() throws Exception {
        // The MTA-STS record is there but the HTTPS server serves no policy: dane.test has none.
        Outcome outcome = sendToDaneTest(zones(), TlsPolicy.DANE, Map.of());
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).contains("(TLSv1.").doesNotContain("tls=dane");
    }

    @Test
    void aDomainsOwnDaneOnlyRefusesAnMxHostWithoutTlsaRecords() throws Exception {
        try (FakeSmtpServer fake = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                n -> FakeSmtpServer.Script.accepting())) {
            Outcome outcome = send(transport(started(zones()), TlsPolicy.MAY,
                    Map.of("dane.test", TlsPolicy.DANE_ONLY), fake.port()), "dane.test");
            assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
            assertThat(outcome.diagnostic()).startsWith("451 4.7.5 DANE: mx.dane.test: no TLSA records")
                    .contains("dane-only");
            assertThat(fake.connections()).isZero();
            // The domain's own level is decided before MTA-STS is asked.
            assertThat(fixture.https().requests()).isZero();
        }
    }

    @Test
    void aDomainsOwnDaneOnlyDeliversToAnMxHostItsTlsaRecordsAuthenticate() throws Exception {
        Outcome outcome = sendToDaneTest(pinned(), TlsPolicy.MAY, Map.of("dane.test", TlsPolicy.DANE_ONLY));
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).contains("tls=dane");
    }

    @Test
    void onlyDomainsAtADaneLevelDependOnDnssecValidation() throws Exception {
        fixture.mx().start("127.0.0.3", "mx.broken.test", TestPki.serverTls(key));
        DnsResponder dns = started(zones());
        // broken.test's signatures are bogus: at the default may it is resolved without validation and delivered...
        Outcome plain = send(transport(dns, TlsPolicy.MAY, Map.of("dane.test", TlsPolicy.DANE), fixture.mx().port()),
                "broken.test");
        assertThat(plain).isInstanceOf(Outcome.Delivered.class);
        // ...while at a DANE level its MX answer is bogus and the mail waits (a forged answer must not downgrade it).
        Outcome validated = send(transport(dns, TlsPolicy.DANE, Map.of(), fixture.mx().port()), "broken.test");
        assertThat(validated).isInstanceOf(Outcome.Deferred.class);
        assertThat(validated.diagnostic()).startsWith("451 4.4.3").contains("bogus");
    }

    @Test
    void aRouteTakesDaneAsMayAndDefersDaneOnly() throws Exception {
        fixture.mx().start("127.0.0.3", "mx.dane.test", TestPki.serverTls(key));
        DnsResponder dns = started(pinned());
        Map<String, RouteTarget> routes = Map.of("dane.test",
                new RouteTarget.Smtp(new HostPort("127.0.0.3", fixture.mx().port())));
        for (TlsPolicy level : List.of(TlsPolicy.DANE, TlsPolicy.DANE_ONLY)) {
            RemoteDelivery outbound = new RemoteDelivery(transport(dns, TlsPolicy.MAY, Map.of("dane.test", level), 25),
                    Optional.empty(), routes, r -> null, SmtpTransport.Policy.of(TlsPolicy.MAY));
            Outcome outcome = outbound.deliver(Envelopes.of("01ROUTE", Instant.now(), "s@posthorn.test",
                    "rcpt@dane.test"), RCPT, Bodies.of("x\r\n"), new DeliveryTrace()).getFirst();
            if (level == TlsPolicy.DANE) {
                assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
                assertThat(outcome.diagnostic()).contains("(TLSv1.").doesNotContain("tls=dane");
            } else {
                assertThat(outcome.diagnostic()).startsWith("451 4.7.5 DANE: 127.0.0.3[127.0.0.3]")
                        .contains("not an MX host");
            }
        }
        assertThat(fixture.mx().received()).hasSize(1);
    }
}
