package dev.posthorn.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.mta.routing.RouteTarget;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.MessageBody;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.server.SmtpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A smarthost and per-domain routes, against Posthorn's own server as the relay (STARTTLS, AUTH). */
class SmarthostTest {

    private static final SpoolEnvelope ENVELOPE =
            Envelopes.of("01RELAY", Instant.now(), "s@posthorn.test", "x@far.test");
    private static final String MESSAGE = "Subject: relayed\r\n\r\nvia the smarthost\r\n";
    private static final Authenticator RELAY_USER = (session, c) -> c.username().equals("mta")
            && c.password().equals("s3cret") ? new Authenticator.AuthResult.Success("mta")
            : new Authenticator.AuthResult.Failure();

    private final List<Envelope> relayed = new CopyOnWriteArrayList<>();
    private SmtpServer relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private int relay(SmtpServer.Builder builder) throws Exception {
        relay = builder.hostname("relay.posthorn.test").sink((envelope, message) -> {
            message.readAllBytes();
            relayed.add(envelope);
            return Replies.queued(envelope.id());
        }).build().start();
        return relay.port();
    }

    private static MessageBody body() {
        return Bodies.of(MESSAGE);
    }

    private static SmtpTransport smtp() {
        // No DNS is asked here: every host below is an IP address.
        MxResolver resolver = new MxResolver(DnsClient.plain(List.of(new InetSocketAddress("127.0.0.1", 9)),
                Duration.ofMillis(300)));
        return new SmtpTransport(resolver, "mx.posthorn.test", 25, ClientTimeouts.all(Duration.ofSeconds(5)),
                SmtpTransport.Policy.of(TlsPolicy.MAY));
    }

    @Test
    void smarthostWithTlsAndAuthTakesTheMail() throws Exception {
        int port = relay(SmtpServer.builder().tls(ServerTls.selfSigned("relay.posthorn.test"))
                .authenticator(RELAY_USER));
        RemoteDelivery outbound = new RemoteDelivery(smtp(), Optional.of(new RemoteDelivery.Smarthost("127.0.0.1", port,
                new SmtpTransport.Policy(TlsPolicy.ENCRYPT, "mta", "s3cret"))), Map.of(), r -> null,
                SmtpTransport.Policy.of(TlsPolicy.MAY));
        List<Outcome> outcomes = outbound.deliver(ENVELOPE, Envelopes.mailboxes("x@far.test"), body(),
                new DeliveryTrace());
        assertThat(outcomes).singleElement().isInstanceOf(Outcome.Delivered.class);
        assertThat(outcomes.getFirst().diagnostic()).contains("(TLSv1.");
        assertThat(relayed.getFirst().session().authenticatedUser()).isEqualTo("mta");
        assertThat(relayed.getFirst().session().tls()).isNotNull();
    }

    @Test
    void wrongCredentialsDeferInsteadOfBouncing() throws Exception {
        int port = relay(SmtpServer.builder().tls(ServerTls.selfSigned("relay.posthorn.test"))
                .authenticator(RELAY_USER));
        List<Outcome> outcomes = smtp().via("127.0.0.1", port, new SmtpTransport.Policy(TlsPolicy.ENCRYPT, "mta",
                "wrong")).deliver(ENVELOPE, Envelopes.mailboxes("x@far.test"), body(), new DeliveryTrace());
        assertThat(outcomes.getFirst()).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcomes.getFirst().diagnostic()).contains("535");
        assertThat(relayed).isEmpty();
    }

    @Test
    void requiredTlsThatIsNotOfferedDefers() throws Exception {
        int port = relay(SmtpServer.builder());
        List<Outcome> outcomes = smtp().via("127.0.0.1", port,
                SmtpTransport.Policy.of(TlsPolicy.ENCRYPT)).deliver(ENVELOPE, Envelopes.mailboxes("x@far.test"), body(),
                new DeliveryTrace());
        assertThat(outcomes.getFirst()).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcomes.getFirst().diagnostic()).contains("TLS is required");
        assertThat(relayed).isEmpty();
    }

    @Test
    void verifyRefusesAnUntrustedCertificate() throws Exception {
        int port = relay(SmtpServer.builder().tls(ServerTls.selfSigned("relay.posthorn.test")));
        List<Outcome> outcomes = smtp().via("127.0.0.1", port,
                SmtpTransport.Policy.of(TlsPolicy.VERIFY)).deliver(ENVELOPE, Envelopes.mailboxes("x@far.test"), body(),
                new DeliveryTrace());
        assertThat(outcomes.getFirst()).isInstanceOf(Outcome.Deferred.class);
        assertThat(relayed).isEmpty();
    }

    @Test
    void routeForADomainGoesToItsHost() throws Exception {
        int port = relay(SmtpServer.builder());
        RemoteDelivery outbound = new RemoteDelivery(smtp(), Optional.empty(),
                Map.of("far.test", new RouteTarget.Smtp(new HostPort("127.0.0.1", port))), r -> null,
                SmtpTransport.Policy.of(TlsPolicy.MAY));
        List<Outcome> outcomes = outbound.deliver(ENVELOPE, Envelopes.mailboxes("x@far.test"), body(),
                new DeliveryTrace());
        assertThat(outcomes).singleElement().isInstanceOf(Outcome.Delivered.class);
        assertThat(relayed).hasSize(1);
    }
}
