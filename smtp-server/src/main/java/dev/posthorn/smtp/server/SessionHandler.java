package dev.posthorn.smtp.server;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * One connection's handler (as go-smtp's {@code Backend.NewSession} returns a {@code Session}): made by a
 * {@link Factory} when the connection's session starts, asked about each step, told when a transaction is reset,
 * given each message, and closed when the connection ends, so it can keep state for one session and free it.
 *
 * <p>All calls for one connection come from that connection's thread, one at a time, so a handler needs no locking
 * of its own state. The {@link SessionInfo} passed to each decision is the session as it is then (greeted, under
 * TLS, authenticated). Every decision defaults to {@link Decision#next()} (no opinion), which the server takes as
 * acceptance; a handler that throws, or answers {@code null}, defers the step with {@code 451 4.3.0} (a failed
 * lookup is never an acceptance). Handlers must not do socket I/O of their own on the session.
 */
public interface SessionHandler {

    /** Makes one handler per connection. */
    @FunctionalInterface
    interface Factory {
        /**
         * Called once per connection, on its thread, when its session starts (after the per-address limit, and for
         * implicit TLS after the handshake), before the greeting. An exception ends the connection with
         * {@code 421 4.3.0}; a handler returned is always {@linkplain SessionHandler#close() closed}.
         */
        SessionHandler newSession(SessionInfo session);
    }

    /** Before the greeting; answered as {@link SessionPolicy#connect} is. */
    default Decision connect(SessionInfo session) {
        return Decision.next();
    }

    /** At HELO or EHLO, with the name the client gave. */
    default Decision helo(SessionInfo session, String name) {
        return Decision.next();
    }

    /** At AUTH, before the exchange starts. */
    default Decision auth(SessionInfo session, String mechanism) {
        return Decision.next();
    }

    /** At MAIL FROM, after syntax and size checks. */
    default Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
        return Decision.next();
    }

    /** At RCPT TO, after syntax and the recipient limit. */
    default Decision rcpt(SessionInfo session, ReversePath from, ForwardPath to, RcptParameters parameters) {
        return Decision.next();
    }

    /**
     * The message, on the same terms as {@link MessageSink#receive}. {@code null} means "not mine": a handler that
     * answers it must not have read the stream ({@link #chain} then asks the next one; the server, when none takes
     * it, answers {@code 451 4.3.0}). The default takes no messages.
     */
    default Reply data(Envelope envelope, InputStream message) throws IOException {
        return null;
    }

    /**
     * The transaction state is cleared: at RSET, HELO or EHLO, STARTTLS, and after each message whatever its
     * outcome. Called even when no transaction was open; an exception is logged and otherwise ignored.
     */
    default void reset() {
    }

    /**
     * The connection has ended, however it ended (QUIT, the client going away, a timeout, an error, a shutdown).
     * Called exactly once, last; an exception is logged and otherwise ignored.
     */
    default void close() {
    }

    /**
     * A policy and a sink as a handler: the policy's decisions, with an {@link Decision.Accept} without a reply
     * turned into {@link Decision#next()} (a {@link SessionPolicy} only objects or stays silent, so in a
     * {@link #chain} it lets the handlers after it have their say), and the sink's reply ({@code sink} may be
     * {@code null}: then this handler takes no messages). Holds no state: one instance can serve every connection.
     */
    static SessionHandler of(SessionPolicy policy, MessageSink sink) {
        return new PolicyHandler(policy, sink);
    }

    /**
     * The handlers asked in order: for a decision, the first answer that is not {@link Decision.Pass} is the answer
     * (all passing: pass, which the server takes as acceptance); a message goes to the first handler that does not
     * answer {@code null}; {@link #reset()} and {@link #close()} reach every handler, in order, even when one throws
     * (the first exception is thrown after all have been called).
     */
    static SessionHandler chain(List<SessionHandler> handlers) {
        return new HandlerChain(handlers);
    }

    /** {@link #chain(List)} of {@code handlers}. */
    static SessionHandler chain(SessionHandler... handlers) {
        return chain(List.of(handlers));
    }

    /**
     * A factory whose handlers are the chain ({@link #chain(List)}) of one handler from each of {@code factories},
     * made in order; if one fails, those already made are closed.
     */
    static Factory chain(Factory... factories) {
        List<Factory> all = List.of(factories);
        return session -> HandlerChain.open(all, session);
    }
}
