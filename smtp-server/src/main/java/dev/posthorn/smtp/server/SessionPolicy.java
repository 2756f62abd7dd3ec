package dev.posthorn.smtp.server;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.ReversePath;
import java.util.List;

/**
 * The questions a server asks its embedder during a session. Each answer is a {@link Decision}; every method
 * defaults to accepting. Implementations must not do socket I/O of their own on the session; a lookup that fails
 * should answer {@link Decision.Defer}, and an exception thrown here is turned into {@code 451 4.3.0}.
 */
public interface SessionPolicy {

    /** Accepts everything (an open server: for tests and capture sinks only). */
    SessionPolicy ACCEPT_ALL = new SessionPolicy() {
    };

    /**
     * The policies asked in order, each about one thing (like Postfix's restriction lists): the first answer that is
     * not an {@link Decision.Accept} (or a {@link Decision.Pass}, which counts as a plain acceptance here) is the
     * answer; when all accept, the first accepting reply given replaces the default one. A policy therefore only
     * objects or stays silent; none can wave a step past the ones after it. ({@link #chain} is the other way.)
     */
    static SessionPolicy inOrder(List<SessionPolicy> policies) {
        return new PolicySequence(policies, PolicySequence::firstObjection);
    }

    /**
     * The policies asked in order, each free to decide or to say "no opinion, ask the next"
     * ({@link Decision#next()}): the first answer that is not a {@link Decision.Pass} is the answer, an
     * {@link Decision.Accept} included (unlike {@link #inOrder}, an early acceptance ends the asking). When all pass
     * the chain passes, which the server takes as acceptance (and an outer chain as "ask the next").
     */
    static SessionPolicy chain(List<SessionPolicy> policies) {
        return new PolicySequence(policies, PolicySequence::firstOpinion);
    }

    /** {@link #chain(List)} of {@code policies}. */
    static SessionPolicy chain(SessionPolicy... policies) {
        return chain(List.of(policies));
    }

    /** The policies {@code policies}, asked in order ({@link #inOrder(List)}). */
    static SessionPolicy inOrder(SessionPolicy... policies) {
        return inOrder(List.of(policies));
    }

    /**
     * Before the greeting. A {@link Decision.Reject} (554, e.g. a client on a DNS blocklist) becomes the greeting,
     * after which every command but QUIT is answered 503 (RFC 5321 3.1); a {@link Decision.Defer} or
     * {@link Decision.Disconnect} closes the connection with its reply.
     */
    default Decision connect(SessionInfo session) {
        return Decision.accept();
    }

    /** At HELO or EHLO, with the name the client gave. */
    default Decision helo(SessionInfo session, String name) {
        return Decision.accept();
    }

    /** At MAIL FROM, after syntax and size checks. */
    default Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
        return Decision.accept();
    }

    /** At RCPT TO, after syntax and the recipient limit. */
    default Decision rcpt(SessionInfo session, ReversePath from, ForwardPath to, RcptParameters parameters) {
        return Decision.accept();
    }

    /** At AUTH, before the exchange starts (for throttling). */
    default Decision auth(SessionInfo session, String mechanism) {
        return Decision.accept();
    }
}
