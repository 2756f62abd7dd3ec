package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.mta.routing.IpLiteral;
import dev.posthorn.smtp.AddressLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How outbound delivery asks DNS for the mail exchangers of a domain (RFC 5321 5.1).
 *
 * @param resolvers         the recursive resolvers to ask, in order, each an IP address and a port; empty means the
 *                          system's resolvers ({@code /etc/resolv.conf})
 * @param timeout           how long to wait for one resolver's answer before asking the next
 * @param dnssecTrustAnchor for DANE (RFC 7672), a file of DS or DNSKEY records (zone file format) from which DNSSEC
 *                          answers are validated; empty for the IANA root zone's keys built into Posthorn
 */
public record Dns(List<InetSocketAddress> resolvers, Duration timeout, Optional<Path> dnssecTrustAnchor) {

    /** The DNS port, taken when a resolver is written without one. */
    public static final int PORT = 53;

    /** With the built-in root trust anchors. */
    public Dns(List<InetSocketAddress> resolvers, Duration timeout) {
        this(resolvers, timeout, Optional.empty());
    }

    public Dns {
        Objects.requireNonNull(dnssecTrustAnchor, "dnssecTrustAnchor");
        resolvers = List.copyOf(resolvers);
        for (InetSocketAddress resolver : resolvers) {
            if (resolver.isUnresolved()) {
                throw new IllegalArgumentException("a resolver is an IP address, not a host name: " + resolver);
            }
            if (resolver.getPort() < 1) {
                throw new IllegalArgumentException("port must be between 1 and 65535");
            }
        }
        DurationLiteral.check(timeout, "dns.timeout");
    }

    /**
     * Parses a resolver: {@code 192.0.2.53}, {@code 192.0.2.53:5353}, {@code [2001:db8::53]} or
     * {@code [2001:db8::53]:5353}; without a port, {@value #PORT}. Only IP addresses: the resolver cannot be found by
     * asking DNS.
     *
     * @throws IllegalArgumentException with the reason
     */
    static InetSocketAddress parseResolver(String text) {
        if (text.startsWith("[") && text.endsWith("]")) {
            if (text.indexOf(':') < 0) {
                throw new IllegalArgumentException("brackets are for IPv6 addresses only");
            }
            return new InetSocketAddress(IpLiteral.parse(text.substring(1, text.length() - 1)), PORT);
        }
        if (text.indexOf(':') < 0) {
            return new InetSocketAddress(IpLiteral.parse(text), PORT);
        }
        if (!text.startsWith("[") && text.indexOf(':') != text.lastIndexOf(':')) {
            throw new IllegalArgumentException("write an IPv6 address in brackets: [" + text + "] or [" + text
                    + "]:port");
        }
        HostPort server = HostPort.parse(text);
        InetAddress address = IpLiteral.parse(server.host());
        return new InetSocketAddress(address, server.port());
    }

    /** A resolver in the form {@link #parseResolver} reads, always with its port. */
    static String format(InetSocketAddress resolver) {
        return new HostPort(AddressLiteral.format(Objects.requireNonNull(resolver.getAddress())), resolver.getPort())
                .toString();
    }
}
