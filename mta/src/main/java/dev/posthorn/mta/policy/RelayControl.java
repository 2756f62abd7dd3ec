package dev.posthorn.mta.policy;

import dev.posthorn.mta.routing.Route;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Decision;
import dev.posthorn.smtp.server.SessionInfo;
import dev.posthorn.smtp.server.SessionPolicy;

/**
 * May this recipient be accepted? A local one must exist ({@code 550 5.1.1}); another domain's only from a trusted
 * or authenticated client ({@code 550 5.7.1}): never an open relay.
 */
public final class RelayControl implements SessionPolicy {

    private final Router router;

    public RelayControl(Router router) {
        this.router = router;
    }

    @Override
    public Decision rcpt(SessionInfo session, ReversePath from, ForwardPath to, RcptParameters parameters) {
        return switch (router.route(to)) {
            case Route.Local local -> Decision.accept();
            case Route.Unknown unknown -> Decision.reject(Replies.NO_SUCH_USER);
            case Route.Remote remote -> session.trustedOrAuthenticated() ? Decision.accept()
                    : Decision.reject(Replies.RELAY_DENIED);
        };
    }
}
