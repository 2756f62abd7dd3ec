package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Reply;
import java.net.InetSocketAddress;

/**
 * What happens on a server, told as it happens, for the embedder's metrics and logs (set with
 * {@link SmtpServer.Builder#events(ServerEvents)}). Every method has a no-op default, so an embedder implements only
 * what it counts. The server does not depend on any metrics library; this is its only window.
 *
 * <p>Called on the connection's own thread (the accept loop's for {@link #connectionOpened}), in the middle of the
 * session: an implementation must return quickly. An exception it throws is logged and dropped; it changes nothing
 * in the session. Peer text reaches it only as the AUTH user name, which is untrusted and may hold any character;
 * the password never does.
 */
public interface ServerEvents {

    /** Tells nothing. */
    ServerEvents NONE = new ServerEvents() {
    };

    /** Why a connection was turned away before or at the greeting. */
    enum Refusal {
        /** Over the server's limit of open connections from one address ({@code 421 4.7.0}, no session). */
        PER_IP_LIMIT,
        /** The embedder's connection policy refused the client (its reply says why). */
        POLICY,
        /** The client talked before the greeting (RFC 5321 4.3.1). */
        EARLY_TALKER
    }

    /** How a session ended. */
    enum SessionEnd {
        /** The client sent QUIT. */
        QUIT,
        /** A command or message data did not arrive in time. */
        TIMEOUT,
        /** Too many failed commands ({@code 421 4.7.0}). */
        TOO_MANY_ERRORS,
        /** The client closed the connection without QUIT, or it broke. */
        DROPPED,
        /** The TLS handshake or a TLS record failed. */
        TLS_FAILURE,
        /** Refused at the greeting (per {@link Refusal}). */
        REFUSED,
        /** The server closed it on a policy's or a limit's decision after the greeting. */
        DISCONNECTED,
        /** Plaintext after STARTTLS, or an endless line. */
        PROTOCOL_VIOLATION,
        /** The server is shutting down ({@code 421 4.3.2}). */
        SHUTDOWN,
        /** An internal error ({@code 421}). */
        ERROR
    }

    /**
     * Stress began: {@code open} of at most {@code max} connections are open, and sessions now get the shorter
     * deadlines of {@link SmtpServer.Builder#stress(Stress)}. Told once per episode, not per connection.
     */
    default void stressBegan(int open, int max) {
    }

    /** Stress ended: only {@code open} of at most {@code max} connections are open; normal deadlines again. */
    default void stressEnded(int open, int max) {
    }

    /**
     * A TCP connection was accepted (before any limit is applied). Behind a proxy
     * ({@link SmtpServer.Builder#proxyProtocol}), once its PROXY header is read, with the client the header named; a
     * connection closed for its header (or for not coming from a proxy) is never told, opened or closed.
     */
    default void connectionOpened(InetSocketAddress remote) {
    }

    /** A connection accepted before was closed, whatever happened on it. */
    default void connectionClosed(InetSocketAddress remote) {
    }

    /** A connection was turned away with {@code reply}. */
    default void connectionRefused(InetSocketAddress remote, Refusal refusal, Reply reply) {
    }

    /** A session (a connection past the per-address limit) ended. */
    default void sessionEnded(InetSocketAddress remote, SessionEnd end) {
    }

    /** A TLS handshake completed (STARTTLS, or implicit TLS). */
    default void tlsEstablished(InetSocketAddress remote, SessionInfo.TlsInfo tls) {
    }

    /**
     * An AUTH exchange ended with the authenticator's {@code result}. {@code user} is the name the client gave
     * (untrusted: escape it before it reaches a log); the password is never handed out.
     */
    default void authenticated(SessionInfo session, String mechanism, String user, Authenticator.AuthResult result) {
    }

    /** The sink accepted a message: {@code reply} is the positive reply to the end of its data. */
    default void messageAccepted(SessionInfo session, Reply reply) {
    }

    /**
     * A message was refused: at MAIL (by the policy, or as too large, or for want of TLS or AUTH) or at the end of
     * its data (by the sink, or as too large). Syntax and sequence errors are not refusals of a message. A message
     * whose end of data gets no reply at all (the connection broke, or a {@link Chaos} disconnect or stall) is
     * neither accepted nor refused: its octets are still told, and {@link #sessionEnded} says how it ended.
     */
    default void messageRefused(SessionInfo session, Reply reply) {
    }

    /** One RCPT was refused (by the policy, or over the recipient limit). */
    default void recipientRefused(SessionInfo session, Reply reply) {
    }

    /**
     * The octets of one message's data as the sink read them (after dot-unstuffing), accepted or not; of a message
     * over the size limit, those read before the limit was noticed.
     */
    default void bytesReceived(SessionInfo session, long octets) {
    }
}
