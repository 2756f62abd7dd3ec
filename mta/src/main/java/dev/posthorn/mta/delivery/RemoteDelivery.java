package dev.posthorn.mta.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.posthorn.mta.routing.RouteTarget;
import dev.posthorn.mta.spool.MessageBody;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.Mailbox;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Where mail for another domain goes: a route configured for the domain (an SMTP host, an LMTP server, or the MX),
 * else the smarthost when one is configured, else the domain's MX hosts.
 */
public final class RemoteDelivery implements Transport, AutoCloseable {

    /** At most this many deliveries to one domain at once, so one slow domain cannot take every worker. */
    static final int PER_DESTINATION = 10;

    /**
     * A smarthost: all remote mail goes there.
     *
     * @param host   host name or IP address
     * @param port   its port
     * @param policy TLS and credentials
     */
    public record Smarthost(String host, int port, SmtpTransport.Policy policy) {
    }

    private final SmtpTransport smtp;
    private final Optional<Smarthost> smarthost;
    private final Map<String, RouteTarget> routes;
    private final Function<RouteTarget.Lmtp, Lmtp> lmtp;
    private final SmtpTransport.Policy routePolicy;
    /**
     * One semaphore per destination domain, held weakly: domains come from the mail, so the map must not keep every
     * domain ever seen. A semaphore with a permit out is reachable from the delivery holding it and so stays; one
     * that no delivery holds has all its permits back, and a fresh one in its place is the same.
     */
    private final Cache<String, Semaphore> destinations = Caffeine.newBuilder().weakValues().build();

    /**
     * @param routes      per-domain routes, keyed by lower-case domain
     * @param routePolicy the TLS policy towards a route's SMTP host (the outbound default)
     */
    public RemoteDelivery(SmtpTransport smtp, Optional<Smarthost> smarthost, Map<String, RouteTarget> routes,
                    Function<RouteTarget.Lmtp, Lmtp> lmtp, SmtpTransport.Policy routePolicy) {
        this.smtp = smtp;
        this.smarthost = smarthost;
        this.routes = Map.copyOf(routes);
        this.lmtp = lmtp;
        this.routePolicy = routePolicy;
    }

    /** Delivers to {@code recipients}, all in one domain, the way its route says; noting the route in the trace. */
    @Override
    public List<Outcome> deliver(SpoolEnvelope envelope, List<Mailbox> recipients, MessageBody body,
                                 DeliveryTrace trace) {
        String domain = NextHop.domain(recipients);
        Semaphore slot = destinations.get(domain, d -> new Semaphore(PER_DESTINATION));
        slot.acquireUninterruptibly();
        try {
            return route(domain, trace).deliver(envelope, recipients, body, trace);
        } finally {
            slot.release();
        }
    }

    private Transport route(String domain, DeliveryTrace trace) {
        RouteTarget route = routes.get(domain);
        if (route == null) {
            smarthost.ifPresent(relay -> trace.route("smarthost " + relay.host() + ":" + relay.port()));
            return smarthost.map(relay -> smtp.via(relay.host(), relay.port(), relay.policy())).orElse(smtp);
        }
        return switch (route) {
            case RouteTarget.Mx mx -> smtp;
            case RouteTarget.Smtp host -> {
                trace.route("route to " + host.server().host() + ":" + host.server().port());
                yield smtp.via(host.server().host(), host.server().port(), smtp.routePolicy(domain, routePolicy));
            }
            case RouteTarget.Lmtp server -> {
                trace.route("route to " + server); // lmtp:...
                yield lmtp.apply(server);
            }
        };
    }

    /** Ends the sessions kept for reuse. */
    @Override
    public void close() {
        smtp.close();
    }
}
