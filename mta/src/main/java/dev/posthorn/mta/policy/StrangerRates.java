package dev.posthorn.mta.policy;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Decision;
import dev.posthorn.smtp.server.SessionInfo;
import dev.posthorn.smtp.server.SessionPolicy;

/**
 * Has this client, neither trusted nor authenticated, connected, sent or addressed too much in the current window?
 * Connecting too often closes the connection ({@code 421 4.7.0}); too many messages defers MAIL ({@code 450 4.7.1});
 * too many recipients defers RCPT ({@code 452 4.5.3}, which RFC 5321 4.5.3.1.10 lets a client retry).
 */
public final class StrangerRates implements SessionPolicy {

    public static final Reply CONNECTION_RATE =
            Reply.of(421, "4.7.0", "Too many connections from your address, slow down");
    static final Reply MESSAGE_RATE = Reply.of(450, "4.7.1", "Too many messages from your address, slow down");
    static final Reply RECIPIENT_RATE = Reply.of(452, "4.5.3", "Too many recipients from your address, slow down");

    private final RateLimits rates;

    public StrangerRates(RateLimits rates) {
        this.rates = rates;
    }

    @Override
    public Decision connect(SessionInfo session) {
        return allowed(session, RateLimits.Kind.CONNECTIONS) ? Decision.accept()
                : Decision.disconnect(CONNECTION_RATE);
    }

    @Override
    public Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
        return allowed(session, RateLimits.Kind.MESSAGES) ? Decision.accept() : Decision.defer(MESSAGE_RATE);
    }

    @Override
    public Decision rcpt(SessionInfo session, ReversePath from, ForwardPath to, RcptParameters parameters) {
        return allowed(session, RateLimits.Kind.RECIPIENTS) ? Decision.accept() : Decision.defer(RECIPIENT_RATE);
    }

    private boolean allowed(SessionInfo session, RateLimits.Kind kind) {
        return session.trustedOrAuthenticated() || rates.allow(kind, session.remote().getAddress());
    }
}
