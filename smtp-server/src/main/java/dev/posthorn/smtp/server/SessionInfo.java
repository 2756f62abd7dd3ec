package dev.posthorn.smtp.server;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What the server knows about a session at one moment: an immutable snapshot handed to the SPI.
 *
 * @param connectionId      unique id of the connection (also the name of its thread)
 * @param remote            the client's address: behind a proxy ({@link SmtpServer.Builder#proxyProtocol}), the one
 *                          its PROXY header named
 * @param local             the listener's address
 * @param heloName          the name the client gave in HELO/EHLO, or {@code null} before it
 * @param extended          whether the client greeted with EHLO
 * @param tls               the TLS parameters, or {@code null} on a plaintext connection
 * @param authenticatedUser the identity established by AUTH, or {@code null}
 * @param trusted           whether the client is one of the embedder's trusted clients
 *                          ({@link SmtpServer.Builder#trustedClients}): decided once, when the connection is accepted,
 *                          and carried with the session, so that no stage asks the question again with other data
 */
public record SessionInfo(String connectionId, InetSocketAddress remote, InetSocketAddress local, String heloName,
                          boolean extended, TlsInfo tls, String authenticatedUser, boolean trusted) {

    public SessionInfo {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(local, "local");
    }

    /**
     * The TLS parameters of a connection.
     *
     * @param protocol    e.g. {@code TLSv1.3}
     * @param cipherSuite e.g. {@code TLS_AES_256_GCM_SHA384}
     */
    public record TlsInfo(String protocol, String cipherSuite) {
    }

    /** The same session after HELO or EHLO with {@code name}. */
    public SessionInfo greeted(String name, boolean ehlo) {
        return new SessionInfo(connectionId, remote, local, name, ehlo, tls, authenticatedUser, trusted);
    }

    /**
     * The session after a TLS handshake: RFC 3207 4.2, nothing learned from the client before it (greeting, AUTH) is
     * kept; whether its address is trusted does not depend on what it said, and stays.
     */
    public SessionInfo secured(TlsInfo newTls) {
        return new SessionInfo(connectionId, remote, local, null, false, newTls, null, trusted);
    }

    /** The same session with {@code identity} authenticated. */
    public SessionInfo authenticated(String identity) {
        return new SessionInfo(connectionId, remote, local, heloName, extended, tls, identity, trusted);
    }

    /**
     * Whether the client is trusted or has authenticated: the clients an MTA lets relay and exempts from the limits
     * meant for strangers (Postfix's {@code permit_mynetworks, permit_sasl_authenticated}).
     */
    public boolean trustedOrAuthenticated() {
        return trusted || authenticatedUser != null;
    }

    public boolean isTls() {
        return tls != null;
    }
}
