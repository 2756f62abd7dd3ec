package dev.posthorn.mta.delivery;

import static dev.posthorn.mta.sts.PolicyServer.policy;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.posthorn.mta.config.TlsPolicy;
import dev.posthorn.mta.dns.DnsClient;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.sts.MtaSts;
import dev.posthorn.mta.sts.PolicyFetcher;
import dev.posthorn.mta.sts.PolicyServer;
import dev.posthorn.mta.sts.PolicyStore;
import dev.posthorn.mta.tls.TestCa;
import dev.posthorn.mta.tls.Trust;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * MTA-STS end to end over loopback: a DNS responder publishes {@code _mta-sts.example.net} and the MX records, an
 * HTTPS server on 127.0.0.4 serves the policy with a certificate from a CA made for the test, and Posthorn servers
 * on 127.0.0.3 and 127.0.0.5 receive, with certificates from that CA, untrusted ones, or no STARTTLS.
 */
class MtaStsDeliveryTest {

    private static final SpoolEnvelope ENVELOPE = new SpoolEnvelope("01STS", Instant.now(), "s@posthorn.test",
            Map.of(), List.of(new SpoolEnvelope.Recipient("a@example.net", "rfc822;a@example.net", "")));

    @TempDir
    Path dir;

    private final TestCa ca = TestCa.create("Posthorn Test CA");
    private final Receivers mx = new Receivers();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private PolicyServer https;
    private Trust trust;

    @BeforeEach
    void start() throws Exception {
        https = PolicyServer.start("127.0.0.4", ca.serverContext("mta-sts.example.net"));
        trust = Trust.fromPem(ca.writePem(dir.resolve("ca.pem")));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        mx.close();
        https.close();
    }

    private ServerTls signed(String name) {
        return ServerTls.of(ca.serverContext(name));
    }

    /** DNS for example.net: TXT id {@code id}, the policy host, and MX hosts given as name, address pairs. */
    private DnsResponder dns(String id, String... mxHosts) throws Exception {
        DnsResponderBuilder zone = DnsResponder.builder().zone("example.net").zone("example.org")
                .txt("_mta-sts.example.net", "v=STSv1; id=" + id + ";")
                .a("mta-sts.example.net", "127.0.0.4");
        for (int i = 0; i < mxHosts.length; i += 2) {
            zone = zone.mx("example.net", 10 * (i + 1), mxHosts[i]).a(mxHosts[i], mxHosts[i + 1]);
        }
        DnsResponder dns = zone.start();
        closing.add(dns);
        return dns;
    }

    /** A transport as the daemon builds it, with MTA-STS on, its cache in {@code dir/sts}. */
    private SmtpTransport transport(DnsResponder dns) throws Exception {
        DnsClient client = DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(2));
        MxResolver resolver = new MxResolver(client, new SplittableRandom(3));
        MtaSts sts = new MtaSts(client, new PolicyFetcher(client, trust, https.port(),
                Duration.ofSeconds(3), Duration.ofSeconds(6)), new PolicyStore(dir.resolve("sts")), Clock.systemUTC());
        closing.add(sts);
        SmtpTransport transport = new SmtpTransport(resolver, "out.posthorn.test", mx.port(),
                ClientTimeouts.all(Duration.ofSeconds(5)),
                new DomainTls(TlsPolicy.MAY, Map.of(), trust, Optional.of(sts), Optional.empty()));
        closing.add(transport);
        return transport;
    }

    private Outcome send(SmtpTransport transport) {
        return transport.deliver(ENVELOPE, "example.net", List.of("a@example.net"), Bodies.of("Subject: x\r\n\r\nx\r\n"))
                .getFirst();
    }

    @Test
    void enforceWithAValidCertificateDelivers() throws Exception {
        https.serve(policy("enforce", "mx.example.net"));
        mx.start("127.0.0.3", "mx.example.net", signed("mx.example.net"));
        Outcome outcome = send(transport(dns("1", "mx.example.net", "127.0.0.3")));
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).contains("(TLSv1.3)");
        assertThat(mx.received()).singleElement().satisfies(e -> assertThat(e.session().tls()).isNotNull());
        assertThat(https.requests()).isEqualTo(1);
    }

    @Test
    void enforceSkipsAnMxHostThePolicyDoesNotList() throws Exception {
        https.serve(policy("enforce", "*.example.net"));
        mx.start("127.0.0.3", "rogue.example.org", signed("rogue.example.org"))
                .start("127.0.0.5", "mx.example.net", signed("mx.example.net"));
        Outcome outcome = send(transport(dns("1", "rogue.example.org", "127.0.0.3", "mx.example.net", "127.0.0.5")));
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(mx.receivedAt("127.0.0.3")).isEmpty();
        assertThat(mx.receivedAt("127.0.0.5")).hasSize(1);
    }

    @Test
    void enforceWithOnlyUnlistedMxHostsDefers() throws Exception {
        https.serve(policy("enforce", "mx.example.net"));
        mx.start("127.0.0.3", "rogue.example.org", signed("rogue.example.org"));
        Outcome outcome = send(transport(dns("1", "rogue.example.org", "127.0.0.3")));
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcome.diagnostic()).startsWith("451 4.7.5 rogue.example.org is not an MX host that the MTA-STS");
        assertThat(mx.received()).isEmpty();
    }

    @Test
    void enforceWithAnUntrustedCertificateDefersAndSendsNothingInClear() throws Exception {
        https.serve(policy("enforce", "mx.example.net"));
        mx.start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
        Outcome outcome = send(transport(dns("1", "mx.example.net", "127.0.0.3")));
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcome.diagnostic()).startsWith("451 4.7.5 mx.example.net[127.0.0.3]: certificate not trusted");
        assertThat(mx.received()).isEmpty();
    }

    @Test
    void enforceWithACertificateForAnotherNameDefers() throws Exception {
        https.serve(policy("enforce", "mx.example.net"));
        mx.start("127.0.0.3", "mx.example.net", signed("other.example.net"));
        Outcome outcome = send(transport(dns("1", "mx.example.net", "127.0.0.3")));
        assertThat(outcome.diagnostic()).startsWith("451 4.7.5")
                .contains("certificate is not for mx.example.net (it names other.example.net)");
        assertThat(mx.received()).isEmpty();
    }

    @Test
    void enforceWithoutStartTlsDefers() throws Exception {
        https.serve(policy("enforce", "mx.example.net"));
        mx.start("127.0.0.3", "mx.example.net", null);
        Outcome outcome = send(transport(dns("1", "mx.example.net", "127.0.0.3")));
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcome.diagnostic()).startsWith("451 4.7.4").contains("TLS is required (verify)");
        assertThat(mx.received()).isEmpty();
    }

    @Test
    void enforceMovesOnFromAnMxWithABadCertificateToTheNext() throws Exception {
        https.serve(policy("enforce", "*.example.net"));
        mx.start("127.0.0.3", "mx1.example.net", ServerTls.selfSigned("mx1.example.net"))
                .start("127.0.0.5", "mx2.example.net", signed("mx2.example.net"));
        Outcome outcome = send(transport(dns("1", "mx1.example.net", "127.0.0.3", "mx2.example.net", "127.0.0.5")));
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).startsWith("mx2.example.net[127.0.0.5]");
        assertThat(mx.receivedAt("127.0.0.3")).isEmpty();
    }

    @Test
    void testingModeDeliversDespiteABadCertificateAndSaysSo() throws Exception {
        https.serve(policy("testing", "mx.example.net"));
        mx.start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
        Outcome outcome = send(transport(dns("1", "mx.example.net", "127.0.0.3")));
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).contains("[MTA-STS testing mode would have refused this: certificate not"
                + " trusted");
        assertThat(mx.received()).hasSize(1);
    }

    @Test
    void aCachedPolicyOutlivesARestartAndAnUnreachablePolicyHost() throws Exception {
        https.serve(policy("enforce", "mx.example.net"));
        mx.start("127.0.0.3", "mx.example.net", signed("mx.example.net"));
        assertThat(send(transport(dns("7", "mx.example.net", "127.0.0.3")))).isInstanceOf(Outcome.Delivered.class);
        assertThat(Files.list(dir.resolve("sts")).map(p -> p.getFileName().toString()))
                .containsExactly("example.net.policy");
        https.close();

        // A new transport (as after a restart), the policy host gone, and DNS now naming an unlisted MX host.
        Outcome outcome = send(transport(dns("7", "rogue.example.org", "127.0.0.3")));
        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcome.diagnostic()).contains("4.7.5").contains("not an MX host that the MTA-STS policy");
        assertThat(mx.received()).hasSize(1);
    }

    @Test
    void aNewTxtIdFetchesThePolicyAgain() throws Exception {
        https.serve(policy("enforce", "mx.example.net"));
        mx.start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
        SmtpTransport first = transport(dns("1", "mx.example.net", "127.0.0.3"));
        assertThat(send(first)).isInstanceOf(Outcome.Deferred.class);
        assertThat(send(first)).isInstanceOf(Outcome.Deferred.class);
        assertThat(https.requests()).isEqualTo(1);   // the same id: the cached policy

        https.serve(policy("testing", "mx.example.net"));
        SmtpTransport same = transport(dns("1", "mx.example.net", "127.0.0.3"));
        assertThat(send(same)).isInstanceOf(Outcome.Deferred.class);
        assertThat(https.requests()).isEqualTo(1);   // the id is what says a policy changed, read from disk

        Outcome outcome = send(transport(dns("2", "mx.example.net", "127.0.0.3")));
        assertThat(https.requests()).isEqualTo(2);
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).contains("MTA-STS testing mode would have refused");
    }

    @Test
    void aMalformedPolicyIsIgnoredWithALogLine() throws Exception {
        https.serve("version: STSv1\nmode: enforce\nmx: mx.example.net\n");   // no max_age
        mx.start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
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
        assertThat(dir.resolve("sts/example.net.policy")).doesNotExist();
    }

    @Test
    void aDomainWithoutAPolicyGetsOpportunisticTls() throws Exception {
        mx.start("127.0.0.3", "mx.example.net", ServerTls.selfSigned("mx.example.net"));
        DnsResponder dns = DnsResponder.builder().zone("example.net").mx("example.net", 10, "mx.example.net")
                .a("mx.example.net", "127.0.0.3").start();
        closing.add(dns);
        Outcome outcome = send(transport(dns));
        assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
        assertThat(outcome.diagnostic()).contains("(TLSv1.3)");
        assertThat(https.requests()).isZero();
    }
}
