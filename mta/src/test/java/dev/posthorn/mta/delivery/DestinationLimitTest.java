package dev.posthorn.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.mta.routing.RouteTarget;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.testing.FakeSmtpServer.Fault;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * At most {@link RemoteDelivery#PER_DESTINATION} deliveries to one domain at once, so one slow domain cannot take every
 * worker; another domain is not held up by it. The fake server holds each session after the data, so the sessions
 * it sees at once are the deliveries running at once.
 */
class DestinationLimitTest {

    private static final Duration STALL = Duration.ofSeconds(2);

    private static SpoolEnvelope envelope(int n, String to) {
        return Envelopes.of("01LIMIT" + n, Instant.now(), "s@posthorn.test", to);
    }

    @Test
    void aSlowDomainGetsTenDeliveriesAtOnceAndOthersAreNotHeldUp() throws Exception {
        int deliveries = RemoteDelivery.PER_DESTINATION + 5;
        try (FakeSmtpServer slow = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting().withFault(new Fault.StallInData(STALL)));
             FakeSmtpServer other = FakeSmtpServer.start(new InetSocketAddress("127.0.0.4", 0),
                     n -> Script.accepting());
             ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            // No DNS is asked: both domains have a route to an IP address.
            MxResolver resolver = new MxResolver(DnsClient.plain(List.of(new InetSocketAddress("127.0.0.1", 9)),
                    Duration.ofMillis(300)));
            SmtpTransport smtp = new SmtpTransport(resolver, "mx.posthorn.test", 25,
                    ClientTimeouts.all(Duration.ofSeconds(10)), SmtpTransport.Policy.of(TlsPolicy.MAY));
            RemoteDelivery outbound = new RemoteDelivery(smtp, Optional.empty(), Map.of(
                    "slow.test", new RouteTarget.Smtp(new HostPort("127.0.0.3", slow.port())),
                    "other.test", new RouteTarget.Smtp(new HostPort("127.0.0.4", other.port()))), r -> null,
                    SmtpTransport.Policy.of(TlsPolicy.MAY));
            List<Future<List<Outcome>>> results = new ArrayList<>();
            for (int i = 0; i < deliveries; i++) {
                SpoolEnvelope envelope = envelope(i, "x" + i + "@slow.test");
                results.add(workers.submit(() -> outbound.deliver(envelope,
                        List.of(envelope.recipients().getFirst().address()), Bodies.of("Subject: s\r\n\r\nslow\r\n"),
                        new DeliveryTrace())));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> slow.received().isEmpty()
                    && slow.commands().stream().filter(c -> c.startsWith("DATA")).count()
                    == RemoteDelivery.PER_DESTINATION);
            List<Outcome> quick = outbound.deliver(envelope(99, "y@other.test"), Envelopes.mailboxes("y@other.test"),
                    Bodies.of("Subject: q\r\n\r\nquick\r\n"), new DeliveryTrace());
            assertThat(quick).singleElement().isInstanceOf(Outcome.Delivered.class);
            assertThat(slow.connections()).as("the other five wait for a place")
                    .isEqualTo(RemoteDelivery.PER_DESTINATION);
            for (Future<List<Outcome>> result : results) {
                assertThat(result.get()).singleElement().isInstanceOf(Outcome.Deferred.class);
            }
            assertThat(slow.connections()).as("each delivery got its turn").isEqualTo(deliveries);
            outbound.close();
        }
    }
}
