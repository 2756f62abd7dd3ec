package dev.posthorn.mta.delivery;

import static dev.posthorn.mta.sts.PolicyServer.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.mta.tlsrpt.PolicyRef;
import dev.posthorn.mta.tlsrpt.ResultType;
import dev.posthorn.mta.tlsrpt.SessionResult;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the transport tells TLS reporting (RFC 8460) about real sessions over loopback: an MTA-STS policy served over
 * HTTPS, MX hosts with good, untrusted, misnamed or no TLS, and a domain without a policy.
 */
class TlsReportingTest {

    private static final SpoolEnvelope ENVELOPE =
            Envelopes.of("01RPT", Instant.now(), "s@posthorn.test", "a@example.net");

    @RegisterExtension
    final MtaStsFixture fixture = new MtaStsFixture("example.net");

    private final List<SessionResult> seen = new CopyOnWriteArrayList<>();

    private SmtpTransport transport(boolean mtaSts, String mxHost) throws Exception {
        DnsResponderBuilder zone = DnsResponder.builder().zone("example.net")
                .mx("example.net", 10, mxHost).a(mxHost, "127.0.0.3");
        if (mtaSts) {
            zone = zone.txt("_mta-sts.example.net", "v=STSv1; id=1;").a("mta-sts.example.net",
                    MtaStsFixture.POLICY_ADDRESS);
        }
        DnsResponder dns = fixture.closeAfter(zone.start());
        DnsClient client = DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(2));
        DomainTls tls = new DomainTls(TlsPolicy.MAY, Map.of(), fixture.trust(),
                mtaSts ? Optional.of(fixture.mtaSts(client, seen::add)) : Optional.empty(), Optional.empty());
        return fixture.closeAfter(new SmtpTransport(new MxResolver(client, new SplittableRandom(3)),
                "out.posthorn.test", fixture.mx().port(), ClientTimeouts.all(Duration.ofSeconds(5)), tls,
                Optional.empty(), Clock.systemUTC(), seen::add));
    }

    private Outcome send(SmtpTransport transport) {
        return transport.deliver(ENVELOPE, Envelopes.mailboxes("a@example.net"), Bodies.of("Subject: x\r\n\r\nx\r\n"),
                new DeliveryTrace()).getFirst();
    }

    private Outcome underEnforce(String mxHost, ServerTls tls) throws Exception {
        fixture.https().serve(policy("enforce", "mx.example.net"));
        fixture.mx().start("127.0.0.3", mxHost, tls);
        return send(transport(true, mxHost));
    }

    private SessionResult.Failure onlyFailure() {
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().policyDomain()).isEqualTo("example.net");
        return seen.getFirst().failure().orElseThrow();
    }

    @Test
    void aSessionThePolicyAcceptsIsASuccessUnderTheStsPolicy() throws Exception {
        assertThat(underEnforce("mx.example.net", fixture.signed("mx.example.net")))
                .isInstanceOf(Outcome.Delivered.class);
        assertThat(seen).singleElement().satisfies(result -> {
            assertThat(result.successful()).isTrue();
            assertThat(result.policy().type()).isEqualTo(PolicyRef.Type.STS);
            assertThat(result.policy().strings()).contains("version: STSv1", "mode: enforce", "mx: mx.example.net");
            assertThat(result.policy().mxHosts()).containsExactly("mx.example.net");
        });
    }

    @Test
    void certificateProblemsAreReportedByKind() throws Exception {
        underEnforce("mx.example.net", ServerTls.selfSigned("mx.example.net"));
        SessionResult.Failure untrusted = onlyFailure();
        assertThat(untrusted.type()).isEqualTo(ResultType.CERTIFICATE_NOT_TRUSTED);
        assertThat(untrusted.receivingMx()).isEqualTo("mx.example.net");
        assertThat(untrusted.receivingIp()).isEqualTo("127.0.0.3");
    }

    @Test
    void aCertificateForAnotherNameIsAHostMismatch() throws Exception {
        underEnforce("mx.example.net", fixture.signed("other.example.net"));
        assertThat(onlyFailure().type()).isEqualTo(ResultType.CERTIFICATE_HOST_MISMATCH);
    }

    @Test
    void noStartTlsUnderAPolicyIsStarttlsNotSupported() throws Exception {
        underEnforce("mx.example.net", null);
        assertThat(onlyFailure().type()).isEqualTo(ResultType.STARTTLS_NOT_SUPPORTED);
    }

    @Test
    void anMxHostThePolicyDoesNotListIsAValidationFailureWithoutAConnection() throws Exception {
        underEnforce("rogue.example.net", fixture.signed("rogue.example.net"));
        SessionResult.Failure failure = onlyFailure();
        assertThat(failure.type()).isEqualTo(ResultType.VALIDATION_FAILURE);
        assertThat(failure.receivingMx()).isEqualTo("rogue.example.net");
        assertThat(failure.receivingIp()).isEmpty();
        assertThat(fixture.mx().received()).isEmpty();
    }

    @Test
    void testingModeDeliversAndStillReportsTheFailure() throws Exception {
        fixture.https().serve(policy("testing", "mx.example.net"));
        fixture.mx().start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
        assertThat(send(transport(true, "mx.example.net"))).isInstanceOf(Outcome.Delivered.class);
        assertThat(onlyFailure().type()).isEqualTo(ResultType.CERTIFICATE_NOT_TRUSTED);
        assertThat(seen.getFirst().policy().strings()).contains("mode: testing");
    }

    @Test
    void withoutAPolicySessionsCountUnderNoPolicyFound() throws Exception {
        fixture.mx().start("127.0.0.3", "mx.example.net", null);
        assertThat(send(transport(false, "mx.example.net"))).isInstanceOf(Outcome.Delivered.class);
        assertThat(seen).singleElement().satisfies(result -> {
            assertThat(result.policy()).isEqualTo(PolicyRef.NONE);
            assertThat(result.failure().orElseThrow().type()).isEqualTo(ResultType.STARTTLS_NOT_SUPPORTED);
        });
    }

    @Test
    void aReusedSessionIsNotCountedAgain() throws Exception {
        fixture.https().serve(policy("enforce", "mx.example.net"));
        fixture.mx().start("127.0.0.3", "mx.example.net", fixture.signed("mx.example.net"));
        SmtpTransport transport = transport(true, "mx.example.net");
        send(transport);
        send(transport);
        assertThat(fixture.mx().received()).hasSize(2);
        assertThat(seen).hasSize(1);
    }

    @Test
    void aPolicyThatDoesNotParseIsReportedAsStsPolicyInvalid() throws Exception {
        fixture.https().serve("version: STSv1\nmode: sometimes\n");
        fixture.mx().start("127.0.0.3", "mx.example.net", fixture.signed("mx.example.net"));
        assertThat(send(transport(true, "mx.example.net"))).isInstanceOf(Outcome.Delivered.class);
        assertThat(seen).hasSize(2);
        SessionResult fetch = seen.getFirst();
        assertThat(fetch.policy().type()).isEqualTo(PolicyRef.Type.STS);
        assertThat(fetch.failure().orElseThrow().type()).isEqualTo(ResultType.STS_POLICY_INVALID);
        assertThat(fetch.failure().orElseThrow().receivingMx()).isEqualTo("mta-sts.example.net");
        assertThat(seen.get(1).policy()).as("the session itself, under no policy").isEqualTo(PolicyRef.NONE);
        assertThat(seen.get(1).successful()).isTrue();
    }

    @Test
    void aPolicyHostThatRedirectsIsReportedAsStsPolicyFetchError() throws Exception {
        fixture.https().serve("").redirect("https://elsewhere.example.net/");
        fixture.mx().start("127.0.0.3", "mx.example.net", fixture.signed("mx.example.net"));
        send(transport(true, "mx.example.net"));
        assertThat(seen.getFirst().failure().orElseThrow().type()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
    }
}
