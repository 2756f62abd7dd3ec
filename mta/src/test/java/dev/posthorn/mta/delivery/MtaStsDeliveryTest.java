package dev.posthorn.mta.delivery;

import static dev.posthorn.mta.sts.PolicyServer.policy;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.sts.MtaSts;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * MTA-STS end to end over loopback: a DNS responder publishes {@code _mta-sts.example.net} and the MX records, an
 * HTTPS server on 127.0.0.4 serves the policy with a certificate from a CA made for the test, and Posthorn servers
 * on 127.0.0.3 and 127.0.0.5 receive, with certificates from that CA, untrusted ones, or no STARTTLS. The CA, the
 * HTTPS server and the receivers are the {@link MtaStsFixture}'s.
 */
class MtaStsDeliveryTest {

    private static final SpoolEnvelope ENVELOPE =
            Envelopes.of("01STS", Instant.now(), "s@posthorn.test", "a@example.net");

    @RegisterExtension
    final MtaStsFixture fixture = new MtaStsFixture("example.net");

    /** DNS for example.net: TXT id {@code id}, the policy host, and MX hosts given as name, address pairs. */
    private DnsResponder dns(String id, String... mxHosts) throws Exception {
        DnsResponderBuilder zone = DnsResponder.builder().zone("example.net").zone("example.org")
                .txt("_mta-sts.example.net", "v=STSv1; id=" + id + ";")
                .a("mta-sts.example.net", MtaStsFixture.POLICY_ADDRESS);
        for (int i = 0; i < mxHosts.length; i += 2) {
            zone = zone.mx("example.net", 10 * (i + 1), mxHosts[i]).a(mxHosts[i], mxHosts[i + 1]);
        }
        return fixture.closeAfter(zone.start());
    }

    /** A transport as the daemon builds it, with MTA-STS on, its cache in the fixture's {@code sts}. */
    private SmtpTransport transport(DnsResponder dns) throws Exception {
        DnsClient client = DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(2));
        return fixture.transport(client, fixture.mx().port(), new DomainTls(TlsPolicy.MAY, Map.of(), fixture.trust(),
                Optional.of(fixture.mtaSts(client)), Optional.empty()));
    }

    private Outcome send(SmtpTransport transport) {
        return transport.deliver(ENVELOPE, Envelopes.mailboxes("a@example.net"), Bodies.of("Subject: x\r\n\r\nx\r\n"),
                new DeliveryTrace())
                .getFirst();
    }

    /**
     * Serves {@code policy} and starts example.net's one MX host, mx.example.net on 127.0.0.3, offering {@code tls};
     * returns a transport to them, with DNS publishing the TXT id {@code id}.
     */
    private SmtpTransport oneMx(String id, String policy, ServerTls tls) throws Exception {
        fixture.https().serve(policy);
        fixture.mx().start("127.0.0.3", "mx.example.net", tls);
        return transport(dns(id, "mx.example.net", "127.0.0.3"));
    }

    /**
     * Sends under an enforced policy listing only mx.example.net, with the one MX host {@code name} on 127.0.0.3
     * offering {@code tls}: the mail must wait, and the host must have taken nothing. Returns the diagnostic.
     */
    private String deferredUnderEnforce(String name, ServerTls tls) throws Exception {
        fixture.https().serve(policy("enforce", "mx.example.net"));
        fixture.mx().start("127.0.0.3", name, tls);
        Outcome outcome = send(transport(dns("1", name, "127.0.0.3")));
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(fixture.mx().received()).isEmpty();
        return outcome.diagnostic();
    }

    /**
     * Sends under an enforced policy for {@code *.example.net} to two MX hosts: {@code first} on 127.0.0.3 offering
     * {@code tls}, then {@code second} on 127.0.0.5 with a certificate from the test CA. The mail must be delivered,
     * and the first host must have taken nothing.
     */
    private Outcome deliveredPastTheFirst(String first, ServerTls tls, String second) throws Exception {
        fixture.https().serve(policy("enforce", "*.example.net"));
        fixture.mx().start("127.0.0.3", first, tls).start("127.0.0.5", second, fixture.signed(second));
        Outcome outcome = send(transport(dns("1", first, "127.0.0.3", second, "127.0.0.5")));
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(fixture.mx().receivedAt("127.0.0.3")).isEmpty();
        return outcome;
    }

    @Test
    void enforceWithAValidCertificateDelivers() throws Exception {
        Outcome outcome = send(oneMx("1", policy("enforce", "mx.example.net"), fixture.signed("mx.example.net")));
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).contains("(TLSv1.3)");
        assertThat(fixture.mx().received()).singleElement().satisfies(e -> assertThat(e.session().tls()).isNotNull());
        assertThat(fixture.https().requests()).isEqualTo(1);
    }

    @Test
    void theTraceNamesTheMxHostThePolicyAndTheTlsFailure() throws Exception {
        fixture.https().serve(policy("enforce", "mx.example.net"));
        fixture.mx().start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
        DeliveryTrace trace = new DeliveryTrace();
        Outcome outcome = transport(dns("1", "mx.example.net", "127.0.0.3")).deliver(ENVELOPE,
                Envelopes.mailboxes("a@example.net"), Bodies.of("Subject: x\r\n\r\nx\r\n"), trace).getFirst();
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(trace.exchangers()).containsExactly("10 mx.example.net [127.0.0.3]");
        assertThat(trace.host()).isEqualTo("mx.example.net[127.0.0.3]");
        assertThat(trace.policy()).isEqualTo("level verify; mta-sts enforce");
        assertThat(trace.tls()).startsWith("failed: ").contains("certificate not trusted");
        assertThat(trace.transcript()).contains("C: STARTTLS").anyMatch(line -> line.startsWith("S: 220 "));
        assertThat(trace.negotiatedProtocol()).isEmpty();
    }

    @Test
    void enforceSkipsAnMxHostThePolicyDoesNotList() throws Exception {
        deliveredPastTheFirst("rogue.example.org", fixture.signed("rogue.example.org"), "mx.example.net");
        assertThat(fixture.mx().receivedAt("127.0.0.5")).hasSize(1);
    }

    @Test
    void enforceWithOnlyUnlistedMxHostsDefers() throws Exception {
        assertThat(deferredUnderEnforce("rogue.example.org", fixture.signed("rogue.example.org")))
                .startsWith("451 4.7.5 rogue.example.org is not an MX host that the MTA-STS");
    }

    @Test
    void enforceWithAnUntrustedCertificateDefersAndSendsNothingInClear() throws Exception {
        assertThat(deferredUnderEnforce("mx.example.net", ServerTls.selfSigned("mx.example.net")))
                .startsWith("451 4.7.5 mx.example.net[127.0.0.3]: certificate not trusted");
    }

    @Test
    void enforceWithACertificateForAnotherNameDefers() throws Exception {
        assertThat(deferredUnderEnforce("mx.example.net", fixture.signed("other.example.net"))).startsWith("451 4.7.5")
                .contains("certificate is not for mx.example.net (it names other.example.net)");
    }

    @Test
    void enforceWithoutStartTlsDefers() throws Exception {
        assertThat(deferredUnderEnforce("mx.example.net", null)).startsWith("451 4.7.4")
                .contains("TLS is required (verify)");
    }

    @Test
    void enforceMovesOnFromAnMxWithABadCertificateToTheNext() throws Exception {
        Outcome outcome = deliveredPastTheFirst("mx1.example.net", ServerTls.selfSigned("mx1.example.net"),
                "mx2.example.net");
        assertThat(outcome.diagnostic()).startsWith("mx2.example.net[127.0.0.5]");
    }

    @Test
    void testingModeDeliversDespiteABadCertificateAndSaysSo() throws Exception {
        Outcome outcome = send(oneMx("1", policy("testing", "mx.example.net"), ServerTls.selfSigned("mx.example.net")));
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).contains("[MTA-STS testing mode would have refused this: certificate not"
                + " trusted");
        assertThat(fixture.mx().received()).hasSize(1);
    }

    @Test
    void aCachedPolicyOutlivesARestartAndAnUnreachablePolicyHost() throws Exception {
        SmtpTransport first = oneMx("7", policy("enforce", "mx.example.net"), fixture.signed("mx.example.net"));
        assertThat(send(first)).isInstanceOf(Outcome.Delivered.class);
        assertThat(Files.list(fixture.dir().resolve("sts")).map(p -> p.getFileName().toString()))
                .containsExactly("example.net.policy");
        fixture.https().close();

        // A new transport (as after a restart), the policy host gone, and DNS now naming an unlisted MX host.
        Outcome outcome = send(transport(dns("7", "rogue.example.org", "127.0.0.3")));
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcome.diagnostic()).contains("4.7.5").contains("not an MX host that the MTA-STS policy");
        assertThat(fixture.mx().received()).hasSize(1);
    }

    @Test
    void aNewTxtIdFetchesThePolicyAgain() throws Exception {
        SmtpTransport first = oneMx("1", policy("enforce", "mx.example.net"), ServerTls.selfSigned("mx.example.net"));
        assertThat(send(first)).isInstanceOf(Outcome.Deferred.class);
        assertThat(send(first)).isInstanceOf(Outcome.Deferred.class);
        assertThat(fixture.https().requests()).isEqualTo(1);   // the same id: the cached policy

        fixture.https().serve(policy("testing", "mx.example.net"));
        SmtpTransport same = transport(dns("1", "mx.example.net", "127.0.0.3"));
        assertThat(send(same)).isInstanceOf(Outcome.Deferred.class);
        assertThat(fixture.https().requests()).isEqualTo(1);   // the id is what says a policy changed, read from disk

        Outcome outcome = send(transport(dns("2", "mx.example.net", "127.0.0.3")));
        assertThat(fixture.https().requests()).isEqualTo(2);
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).contains("MTA-STS testing mode would have refused");
    }

    @Test
    void aMalformedPolicyIsIgnoredWithALogLine() throws Exception {
        fixture.https().serve("version: STSv1\nmode: enforce\nmx: mx.example.net\n");   // no max_age
        fixture.mx().start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(MtaSts.class);
        logged.start();
        logger.addAppender(logged);
        try {
            Outcome outcome = send(transport(dns("1", "mx.example.net", "127.0.0.3")));
            assertThat(outcome).isInstanceOf(Outcome.Delivered.class);   // opportunistic, as without a policy
            assertThat(outcome.diagnostic()).doesNotContain("MTA-STS");
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.contains("malformed policy of example.net ignored") && m.contains("no max_age"));
        assertThat(fixture.dir().resolve("sts/example.net.policy")).doesNotExist();
    }

    @Test
    void aDomainWithoutAPolicyGetsOpportunisticTls() throws Exception {
        fixture.mx().start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
        DnsResponder dns = fixture.closeAfter(DnsResponder.builder().zone("example.net")
                .mx("example.net", 10, "mx.example.net").a("mx.example.net", "127.0.0.3").start());
        Outcome outcome = send(transport(dns));
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).contains("(TLSv1.3)");
        assertThat(fixture.https().requests()).isZero();
    }
}
