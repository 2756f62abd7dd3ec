package dev.posthorn.mta.daemon;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dnsbl;
import dev.posthorn.mta.config.PerIp;
import dev.posthorn.mta.config.Rate;
import dev.posthorn.mta.dns.DnsBlocklist;
import dev.posthorn.mta.policy.AuthThrottle;
import dev.posthorn.mta.policy.RateLimits;
import dev.posthorn.mta.policy.SenderOwnership;
import dev.posthorn.mta.routing.Route;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Decision;
import dev.posthorn.smtp.server.SessionInfo;
import dev.posthorn.smtp.server.SessionPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA's answers at connect, AUTH, MAIL and RCPT: an untrusted client that connects too often is turned away
 * ({@code 421 4.7.0}), one on a DNS blocklist greeted with {@code 554 5.7.1}; no AUTH for an address that failed too
 * often ({@code 454 4.7.0}); an authenticated user sends only as an address of their own ({@code 553 5.7.1});
 * untrusted, unauthenticated clients send only so many messages ({@code 450 4.7.1}) and recipients
 * ({@code 452 4.5.3}) per window; enough disk space before a transaction starts ({@code 452 4.3.1}); local recipients
 * must exist ({@code 550 5.1.1}); other domains only for authenticated users and trusted networks
 * ({@code 550 5.7.1}: never an open relay).
 */
final class RecipientPolicy implements SessionPolicy {

    private static final Logger log = LoggerFactory.getLogger(RecipientPolicy.class);

    private final Router router;
    private final Predicate<InetAddress> trustedNetworks;
    private final Spool spool;
    private final long minFreeDisk;
    private final SenderOwnership senders;
    private final AuthThrottle throttle;
    private final RateLimits rates;
    private final Blocklists blocklists;

    /**
     * @param senders    which senders authenticated users may use
     * @param blocklists the DNS blocklists, or {@code null} for none
     */
    RecipientPolicy(Router router, Predicate<InetAddress> trustedNetworks, Spool spool, long minFreeDisk,
                    AuthThrottle throttle, RateLimits rates, SenderOwnership senders, Blocklists blocklists) {
        this.rates = rates;
        this.router = router;
        this.trustedNetworks = trustedNetworks;
        this.spool = spool;
        this.minFreeDisk = minFreeDisk;
        this.senders = senders;
        this.throttle = throttle;
        this.blocklists = blocklists;
    }

    /** The policy the configuration describes; per-address rates and blocklist caches run on {@code clock}. */
    static RecipientPolicy of(Config config, Router router, Spool spool, AuthThrottle throttle,
                              Predicate<InetAddress> trusted, Clock clock) {
        PerIp perIp = config.limits().perIp();
        RateLimits rates = new RateLimits(clock, Map.of(
                RateLimits.Kind.CONNECTIONS, limit(perIp.connectionRate()),
                RateLimits.Kind.MESSAGES, limit(perIp.messages()),
                RateLimits.Kind.RECIPIENTS, limit(perIp.recipients())));
        Blocklists blocklists = config.dnsbl().enabled()
                ? new Blocklists(new DnsBlocklist(config.dns().resolvers(), config.dnsbl().timeout(),
                        config.dnsbl().zones(), clock), config.dnsbl().action())
                : null;
        return new RecipientPolicy(router, trusted, spool, config.limits().minFreeDisk(), throttle, rates,
                new SenderOwnership(router::isLocalDomain, config.senders().byUser()), blocklists);
    }

    private static RateLimits.Limit limit(Rate rate) {
        return new RateLimits.Limit(rate.count(), rate.per());
    }

    /** The DNS blocklists and what a listing does. */
    record Blocklists(DnsBlocklist lists, Dnsbl.Action action) {
    }

    /**
     * Clients outside trusted networks may connect only so often ({@code 421 4.7.0}), and not at all from an address
     * on a blocklist ({@code 554 5.7.1} as the greeting, RFC 5321 3.1).
     */
    @Override
    public Decision connect(SessionInfo session) {
        if (trusted(session)) {
            return Decision.accept();
        }
        InetAddress client = session.remote().getAddress();
        if (!rates.allow(RateLimits.Kind.CONNECTIONS, client)) {
            return Decision.disconnect(Replies.CONNECTION_RATE);
        }
        if (blocklists != null && blocklists.lists().check(client) instanceof DnsBlocklist.Verdict.Listed listed) {
            String literal = AddressLiteral.of(client).text();
            log.info("{}: client {} is listed in {}{}{}", session.connectionId(), literal, listed.zone(),
                    listed.reason().isEmpty() ? "" : ": ", listed.reason());
            if (blocklists.action() == Dnsbl.Action.REJECT) {
                return Decision.reject(Replies.blocked(literal, listed.zone(), listed.reason()));
            }
        }
        return Decision.accept();
    }

    /** A client address that failed AUTH too often is refused further tries for a while. */
    @Override
    public Decision auth(SessionInfo session, String mechanism) {
        return throttle.addressAllowed(session.remote().getAddress()) ? Decision.accept()
                : Decision.defer(Replies.AUTH_THROTTLED);
    }

    @Override
    public Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
        if (session.authenticatedUser() != null && !senders.mayUse(session.authenticatedUser(), from)) {
            return Decision.reject(Replies.SENDER_NOT_OWNED);
        }
        if (!trusted(session) && session.authenticatedUser() == null
                && !rates.allow(RateLimits.Kind.MESSAGES, session.remote().getAddress())) {
            return Decision.defer(Replies.MESSAGE_RATE);
        }
        try {
            long free = spool.usableSpace();
            long declared = parameters.size().orElse(0);
            if (free < minFreeDisk || free - declared < minFreeDisk) {
                return Decision.defer(Replies.INSUFFICIENT_STORAGE);
            }
        } catch (IOException e) {
            return Decision.defer(Replies.INSUFFICIENT_STORAGE);
        }
        return Decision.accept();
    }

    @Override
    public Decision rcpt(SessionInfo session, ReversePath from, ForwardPath to, RcptParameters parameters) {
        if (!trusted(session) && session.authenticatedUser() == null
                && !rates.allow(RateLimits.Kind.RECIPIENTS, session.remote().getAddress())) {
            return Decision.defer(Replies.RECIPIENT_RATE);
        }
        return switch (router.route(to)) {
            case Route.Local local -> Decision.accept();
            case Route.Unknown unknown -> Decision.reject(Replies.NO_SUCH_USER);
            case Route.Remote remote -> mayRelay(session) ? Decision.accept() : Decision.reject(Replies.RELAY_DENIED);
        };
    }

    private boolean mayRelay(SessionInfo session) {
        return session.authenticatedUser() != null || trusted(session);
    }

    private boolean trusted(SessionInfo session) {
        return trustedNetworks.test(session.remote().getAddress());
    }
}
