package dev.posthorn.mta.daemon;

import dev.posthorn.mta.config.Network;
import dev.posthorn.mta.policy.AuthThrottle;
import dev.posthorn.mta.policy.RateLimits;
import dev.posthorn.mta.policy.SenderOwnership;
import dev.posthorn.mta.routing.Route;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.spool.Spool;
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
import java.util.List;

/**
 * The MTA's answers at AUTH, MAIL and RCPT: no AUTH for an address that failed too often ({@code 454 4.7.0});
 * an authenticated user sends only as an address of their own ({@code 553 5.7.1}); enough disk space before a
 * transaction starts ({@code 452 4.3.1}); local recipients must exist ({@code 550 5.1.1}); other domains only for
 * authenticated users and trusted networks ({@code 550 5.7.1}: never an open relay).
 */
final class RecipientPolicy implements SessionPolicy {

    private final Router router;
    private final List<Network> trustedNetworks;
    private final Spool spool;
    private final long minFreeDisk;
    private final SenderOwnership senders;
    private final AuthThrottle throttle;
    private final RateLimits rates;

    RecipientPolicy(Router router, List<Network> trustedNetworks, Spool spool, long minFreeDisk,
                    AuthThrottle throttle, RateLimits rates) {
        this.rates = rates;
        this.router = router;
        this.trustedNetworks = List.copyOf(trustedNetworks);
        this.spool = spool;
        this.minFreeDisk = minFreeDisk;
        this.senders = new SenderOwnership(router::isLocalDomain);
        this.throttle = throttle;
    }

    /** Clients outside trusted networks may connect only so often ({@code 421 4.7.0}). */
    @Override
    public Decision connect(SessionInfo session) {
        return trusted(session) || rates.allow(RateLimits.Kind.CONNECTIONS, session.remote().getAddress())
                ? Decision.accept() : Decision.disconnect(Replies.CONNECTION_RATE);
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
        InetAddress client = session.remote().getAddress();
        return trustedNetworks.stream().anyMatch(network -> network.contains(client));
    }
}
