package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The immutable settings of one server, made by {@link SmtpServer.Builder}. {@code chaos} is {@code null} when no
 * faults are wanted (its rules change at run time; the object stays the same); {@code proxyFrom} is {@code null} when
 * connections carry no PROXY header.
 */
record ServerSettings(
        InetSocketAddress address,
        String hostname,
        long maxMessageSize,
        int maxRecipients,
        int maxConnections,
        int maxConnectionsPerIp,
        int maxErrors,
        int maxJunkCommands,
        Duration commandTimeout,
        Duration dataTimeout,
        long minDataRate,
        Stress stress,
        Duration tlsHandshakeTimeout,
        Duration greetingDelay,
        ServerTls tls,
        boolean implicitTls,
        boolean authRequiresTls,
        boolean requireTls,
        boolean requireAuth,
        boolean offerRequireTls,
        Authenticator authenticator,
        SessionHandler.Factory handlers,
        EtrnHandler etrn,
        Tarpit tarpit,
        Predicate<InetAddress> trustedClients,
        Predicate<InetAddress> proxyFrom,
        ServerEvents events,
        Chaos chaos) {

    /** RFC 5321 4.5.3.1.4 allows 512 octets; extensions add to that. Posthorn takes up to 2048 and refuses more. */
    static final int MAX_COMMAND_LINE = 2048;
    /** RFC 4954 4: a server should accept AUTH responses of at least 12288 octets. */
    static final int MAX_AUTH_LINE = 12288;

    /** proxy-protocol.txt 2: the header must arrive at once; 10 s, or the command timeout when shorter. */
    Duration proxyHeaderTimeout() {
        Duration limit = Duration.ofSeconds(10);
        return commandTimeout.compareTo(limit) < 0 ? commandTimeout : limit;
    }

    /** RFC 8689 2: REQUIRETLS is advertised only on a TLS session, and only when the embedder turned it on. */
    boolean requireTlsOffered(boolean tlsActive) {
        return offerRequireTls && tls != null && tlsActive;
    }

    /**
     * Why MAIL ... REQUIRETLS is refused, or {@code null} when it may be accepted. A server that does not offer the
     * extension answers as for any unknown parameter (RFC 5321 4.1.2, {@code 555 5.5.4}); one that offers it takes
     * the option only on a TLS session (RFC 8689 2), so on plain text it says TLS is needed.
     */
    Reply requireTlsRefusal(boolean tlsActive) {
        if (!offerRequireTls || tls == null) {
            return Replies.parameterUnrecognised("Unsupported parameter REQUIRETLS");
        }
        return tlsActive ? null : Replies.REQUIRETLS_NEEDS_TLS;
    }

    boolean authOffered(boolean tlsActive) {
        return authenticator != null && (tlsActive || !authRequiresTls);
    }
}
