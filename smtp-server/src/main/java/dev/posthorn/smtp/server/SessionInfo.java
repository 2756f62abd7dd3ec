package dev.posthorn.smtp.server;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What the server knows about a session at one moment: an immutable snapshot handed to the SPI.
 *
 * @param connectionId      unique id of the connection (also the name of its thread)
 * @param remote            the client's address
 * @param local             the listener's address
 * @param heloName          the name the client gave in HELO/EHLO, or {@code null} before it
 * @param extended          whether the client greeted with EHLO
 * @param tls               the TLS parameters, or {@code null} on a plaintext connection
 * @param authenticatedUser the identity established by AUTH, or {@code null}
 */
public record SessionInfo(String connectionId, InetSocketAddress remote, InetSocketAddress local, String heloName,
                          boolean extended, TlsInfo tls, String authenticatedUser) {

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
        return new SessionInfo(connectionId, remote, local, name, ehlo, tls, authenticatedUser);
    }

    /** The session after a TLS handshake: RFC 3207 4.2, nothing learned before it (greeting, AUTH) is kept. */
    public SessionInfo secured(TlsInfo newTls) {
        return new SessionInfo(connectionId, remote, local, null, false, newTls, null);
    }

    /** The same session with {@code identity} authenticated. */
    public SessionInfo authenticated(String identity) {
        return new SessionInfo(connectionId, remote, local, heloName, extended, tls, identity);
    }

    public boolean isTls() {
        return tls != null;
    }

    /**
     * The identity established by AUTH, if any: {@link #authenticatedUser()} for an embedder's policy, authenticator
     * or sink, without a null check. Posthorn's own mta reads the component; this is part of the SPI's snapshot.
     */
    public Optional<String> user() {
        return Optional.ofNullable(authenticatedUser);
    }
}
