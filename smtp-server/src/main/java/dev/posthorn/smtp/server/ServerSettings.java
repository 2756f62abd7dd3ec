package dev.posthorn.smtp.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The immutable settings of one server, made by {@link SmtpServer.Builder}. {@code chaos} is {@code null} when no
 * faults are wanted (its rules change at run time; the object stays the same).
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
        Authenticator authenticator,
        SessionPolicy policy,
        MessageSink sink,
        EtrnHandler etrn,
        Tarpit tarpit,
        Predicate<InetAddress> trustedClients,
        ServerEvents events,
        Chaos chaos) {

    /** RFC 5321 4.5.3.1.4 allows 512 octets; extensions add to that. Posthorn takes up to 2048 and refuses more. */
    static final int MAX_COMMAND_LINE = 2048;
    /** RFC 4954 4: a server should accept AUTH responses of at least 12288 octets. */
    static final int MAX_AUTH_LINE = 12288;

    boolean authOffered(boolean tlsActive) {
        return authenticator != null && (tlsActive || !authRequiresTls);
    }
}
