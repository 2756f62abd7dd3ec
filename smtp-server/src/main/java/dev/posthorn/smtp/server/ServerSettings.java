package dev.posthorn.smtp.server;

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

    boolean authOffered(boolean tlsActive) {
        return authenticator != null && (tlsActive || !authRequiresTls);
    }
}
