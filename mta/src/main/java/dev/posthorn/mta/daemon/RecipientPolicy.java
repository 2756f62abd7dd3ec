package dev.posthorn.mta.daemon;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dnsbl;
import dev.posthorn.mta.config.PerIp;
import dev.posthorn.mta.config.Rate;
import dev.posthorn.mta.dns.DnsBlocklist;
import dev.posthorn.mta.policy.AuthThrottle;
import dev.posthorn.mta.policy.Blocklisted;
import dev.posthorn.mta.policy.DiskSpace;
import dev.posthorn.mta.policy.FailedAuth;
import dev.posthorn.mta.policy.RateLimits;
import dev.posthorn.mta.policy.RelayControl;
import dev.posthorn.mta.policy.SenderOwnership;
import dev.posthorn.mta.policy.StrangerRates;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.smtp.server.SessionPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The MTA's answers at connect, AUTH, MAIL and RCPT: small policies, each answering one question, asked in order
 * ({@link SessionPolicy#inOrder}); the first refusal is the answer. Whether the client is trusted was decided once,
 * when the server accepted the connection, and each policy reads it from the session.
 * <ol>
 *   <li>{@link SenderOwnership}: an authenticated user sends only as an address of their own ({@code 553 5.7.1});</li>
 *   <li>{@link StrangerRates}: a client neither trusted nor authenticated connects ({@code 421 4.7.0}), sends
 *       ({@code 450 4.7.1}) and addresses ({@code 452 4.5.3}) only so much per window;</li>
 *   <li>{@link Blocklisted}: an untrusted client on a DNS blocklist is greeted with {@code 554 5.7.1};</li>
 *   <li>{@link FailedAuth}: no AUTH from an address that failed too often ({@code 454 4.7.0});</li>
 *   <li>{@link DiskSpace}: enough disk before a transaction starts ({@code 452 4.3.1});</li>
 *   <li>{@link RelayControl}: local recipients must exist ({@code 550 5.1.1}); other domains only for trusted or
 *       authenticated clients ({@code 550 5.7.1}: never an open relay).</li>
 * </ol>
 */
final class RecipientPolicy {

    private RecipientPolicy() {
    }

    /** The policy the configuration describes; per-address rate windows and blocklist caches run on {@code clock}. */
    static SessionPolicy of(Config config, Router router, Spool spool, AuthThrottle throttle, Clock clock) {
        PerIp perIp = config.limits().perIp();
        List<SessionPolicy> policies = new ArrayList<>();
        policies.add(new SenderOwnership(router::isLocalDomain, config.senders().byUser()));
        policies.add(new StrangerRates(new RateLimits(clock, Map.of(
                RateLimits.Kind.CONNECTIONS, limit(perIp.connectionRate()),
                RateLimits.Kind.MESSAGES, limit(perIp.messages()),
                RateLimits.Kind.RECIPIENTS, limit(perIp.recipients())))));
        if (config.dnsbl().enabled()) {
            policies.add(new Blocklisted(new DnsBlocklist(config.dns().resolvers(), config.dnsbl().timeout(),
                    config.dnsbl().zones(), clock), config.dnsbl().action() == Dnsbl.Action.REJECT));
        }
        policies.add(new FailedAuth(throttle));
        policies.add(new DiskSpace(spool::usableSpace, config.limits().minFreeDisk()));
        policies.add(new RelayControl(router));
        return SessionPolicy.inOrder(policies);
    }

    private static RateLimits.Limit limit(Rate rate) {
        return new RateLimits.Limit(rate.count(), rate.per());
    }
}
