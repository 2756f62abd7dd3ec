package dev.posthorn.mta.delivery;

import static dev.posthorn.mta.sts.PolicyServer.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.spool.TlsRequest;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * REQUIRETLS (RFC 8689 4.2.1) and {@code TLS-Required: No} (RFC 8689 4.3) outbound, over loopback: a DNS responder
 * publishes example.net's MX host mx.example.net on 127.0.0.3 (and, unless a test says not, its MTA-STS TXT record),
 * the {@link MtaStsFixture}'s HTTPS host serves the policy and its CA signs the receivers' certificates.
 */
class RequireTlsDeliveryTest {

    private static final String MESSAGE = "Subject: x\r\n\r\nx\r\n";

    @RegisterExtension
    final MtaStsFixture fixture = new MtaStsFixture("example.net");

    private static SpoolEnvelope envelope(TlsRequest request) {
        return Envelopes.of("01RTLS", Instant.now(), "s@posthorn.test", "a@example.net")
                .with(new SpoolEnvelope.Parameters(BodyType.SEVEN_BIT, false, Optional.empty(), Optional.empty(),
                        request));
    }

    /** DNS for example.net's one MX host, with an MTA-STS TXT record when {@code sts}, and relay.posthorn.test. */
    private DnsResponder dns(boolean sts) throws Exception {
        DnsResponderBuilder zone = DnsResponder.builder().zone("example.net").zone("posthorn.test")
                .a("mta-sts.example.net", MtaStsFixture.POLICY_ADDRESS)
                .mx("example.net", 10, "mx.example.net").a("mx.example.net", "127.0.0.3")
                .a("relay.posthorn.test", "127.0.0.3");
        if (sts) {
            zone = zone.txt("_mta-sts.example.net", "v=STSv1; id=1;");
        }
        return fixture.closeAfter(zone.start());
    }

    private SmtpTransport transport(boolean sts) throws Exception {
        DnsClient client = DnsClient.plain(List.of(dns(sts).address()), Duration.ofSeconds(2));
        return fixture.transport(client, fixture.mx().port(), new DomainTls(TlsPolicy.MAY, Map.of(), fixture.trust(),
                Optional.of(fixture.mtaSts(client)), Optional.empty()));
    }

    private static Outcome send(Transport transport, TlsRequest request, String message) {
        return transport.deliver(envelope(request), Envelopes.mailboxes("a@example.net"), Bodies.of(message),
                new DeliveryTrace()).getFirst();
    }

    /** mx.example.net under an MTA-STS policy in {@code mode}, with {@code tls}, offering REQUIRETLS or not. */
    private Outcome underSts(String mode, ServerTls tls, boolean offers, TlsRequest request) throws Exception {
        fixture.https().serve(policy(mode, "mx.example.net"));
        fixture.mx().start("127.0.0.3", "mx.example.net", tls, offers);
        return send(transport(true), request, MESSAGE);
    }

    @Test
    void deliveredWithTheOptionToAValidatedHostThatOffersIt() throws Exception {
        Outcome outcome = underSts("enforce", fixture.signed("mx.example.net"), true, TlsRequest.REQUIRETLS);
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(fixture.mx().received()).singleElement().satisfies(e -> {
            assertThat(e.parameters().requireTls()).as("MAIL FROM carried REQUIRETLS").isTrue();
            assertThat(e.session().tls()).isNotNull();
        });
    }

    @Test
    void aTestingPolicyListingTheHostValidatesItsNameToo() throws Exception {
        Outcome outcome = underSts("testing", fixture.signed("mx.example.net"), true, TlsRequest.REQUIRETLS);
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(fixture.mx().received()).singleElement().satisfies(e ->
                assertThat(e.parameters().requireTls()).isTrue());
    }

    @Test
    void notDeliveredToAHostThatDoesNotAdvertiseRequireTls() throws Exception {
        fixture.https().serve(policy("enforce", "mx.example.net"));
        fixture.mx().start("127.0.0.3", "mx.example.net", fixture.signed("mx.example.net"), false);
        DeliveryTrace trace = new DeliveryTrace();
        Outcome outcome = transport(true).deliver(envelope(TlsRequest.REQUIRETLS),
                Envelopes.mailboxes("a@example.net"), Bodies.of(MESSAGE), trace).getFirst();
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcome.diagnostic()).startsWith("451 4.7.30 ")
                .contains("mx.example.net does not advertise REQUIRETLS after STARTTLS");
        assertThat(fixture.mx().received()).isEmpty();
        // RFC 8689 4.2.1: QUIT, and no transaction.
        assertThat(trace.transcript()).contains("C: QUIT").noneMatch(line -> line.startsWith("C: MAIL"));
    }

    @Test
    void notDeliveredToAHostWhoseCertificateDoesNotValidate() throws Exception {
        // testing mode: other mail would go (the policy is only reported on); REQUIRETLS still verifies.
        Outcome outcome = underSts("testing", ServerTls.selfSigned("mx.example.net"), true, TlsRequest.REQUIRETLS);
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcome.diagnostic()).startsWith("451 4.7.5 ").contains("certificate not trusted");
        assertThat(fixture.mx().received()).isEmpty();
    }

    @Test
    void notDeliveredWhenNothingValidatesTheMxHostName() throws Exception {
        fixture.mx().start("127.0.0.3", "mx.example.net", fixture.signed("mx.example.net"), true);
        Outcome outcome = send(transport(false), TlsRequest.REQUIRETLS, MESSAGE);
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcome.diagnostic()).startsWith("451 4.7.30 ")
                .contains("validated neither by DNSSEC nor by an MTA-STS policy");
        assertThat(fixture.mx().received()).isEmpty();
        // The same host takes other mail as before.
        assertThat(send(transport(false), TlsRequest.NONE, MESSAGE)).isInstanceOf(Outcome.Delivered.class);
        assertThat(fixture.mx().received()).singleElement().satisfies(e ->
                assertThat(e.parameters().requireTls()).isFalse());
    }

    @Test
    void aSmarthostMustVerifyAndOfferRequireTls() throws Exception {
        fixture.mx().start("127.0.0.3", "relay.posthorn.test", fixture.signed("relay.posthorn.test"), true);
        SmtpTransport transport = transport(false);
        Transport relay = transport.via("relay.posthorn.test", fixture.mx().port(),
                SmtpTransport.Policy.of(TlsPolicy.MAY));
        assertThat(send(relay, TlsRequest.REQUIRETLS, MESSAGE)).isInstanceOf(Outcome.Delivered.class);
        assertThat(fixture.mx().received()).singleElement().satisfies(e ->
                assertThat(e.parameters().requireTls()).isTrue());
    }

    @Test
    void aSmarthostWithAnUntrustedCertificateGetsNoRequireTlsMessage() throws Exception {
        fixture.mx().start("127.0.0.3", "relay.posthorn.test", ServerTls.selfSigned("relay.posthorn.test"), true);
        Transport relay = transport(false).via("relay.posthorn.test", fixture.mx().port(),
                SmtpTransport.Policy.of(TlsPolicy.MAY));
        Outcome outcome = send(relay, TlsRequest.REQUIRETLS, MESSAGE);
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(fixture.mx().received()).isEmpty();
    }

    @Test
    void tlsRequiredNoGoesDespiteAnEnforcedPolicyThatFails() throws Exception {
        String message = "TLS-Required: No\r\nSubject: x\r\n\r\nx\r\n";
        fixture.https().serve(policy("enforce", "mx.example.net"));
        fixture.mx().start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"), false);
        SmtpTransport transport = transport(true);
        // Without the field, the enforced policy holds the message (the certificate is not trusted) ...
        assertThat(send(transport, TlsRequest.NONE, message)).isInstanceOf(Outcome.Deferred.class);
        assertThat(fixture.mx().received()).isEmpty();
        // ... with it, it goes, still over TLS when offered, the field as it was.
        Outcome outcome = send(transport, TlsRequest.TLS_OPTIONAL, message);
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(fixture.mx().received()).singleElement().satisfies(e -> assertThat(e.session().tls())
                .isNotNull());
        assertThat(fixture.mx().texts()).singleElement().asString().contains("\r\nTLS-Required: No\r\n");
    }

    /** TLS-Required: No sets aside the recipient's policies (MTA-STS, DANE), not the operator's own levels. */
    @Test
    void tlsRequiredNoKeepsTheOperatorsOwnLevelButNotDane() {
        DomainTls tls = new DomainTls(TlsPolicy.MAY, Map.of("verify.test", TlsPolicy.VERIFY, "dane.test",
                TlsPolicy.DANE_ONLY), fixture.trust(), Optional.empty(), Optional.empty());
        DomainTls.Requirement may = new DomainTls.Requirement.Level(TlsPolicy.MAY, "TLS-Required: No");
        assertThat(tls.forMx("verify.test", List.of(), TlsRequest.TLS_OPTIONAL))
                .isEqualTo(new DomainTls.Requirement.Level(TlsPolicy.VERIFY, "outbound.tls_policy"));
        assertThat(tls.forMx("dane.test", List.of(), TlsRequest.TLS_OPTIONAL)).isEqualTo(may);
        assertThat(tls.forMx("other.test", List.of(), TlsRequest.TLS_OPTIONAL)).isEqualTo(may);
        assertThat(tls.forMx("dane.test", List.of(), TlsRequest.NONE)).isNotEqualTo(may);
    }
}
