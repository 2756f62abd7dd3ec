package dev.posthorn.mta.config;

import java.util.Objects;

/**
 * How other domains' mail servers are contacted: the MX hosts of a domain, and the servers routes name as
 * {@code host:port} (a smarthost has its own TLS policy, {@link Relay#tls()}).
 *
 * @param port the TCP port of MX hosts: 25, the SMTP port, in production; tests use their own
 * @param tls  the TLS policy for MX hosts and routes; {@link TlsPolicy#MAY} is the one that works with every
 *             server on the Internet
 */
public record Outbound(int port, TlsPolicy tls) {

    public Outbound {
        Objects.requireNonNull(tls, "tls");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 1 and 65535");
        }
    }
}
