package dev.posthorn.mta.routing;

import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.Domain;
import java.util.Locale;
import java.util.Objects;

/**
 * A TCP server as the operator writes it, {@code host:port} or {@code [ipv6]:port}: an LMTP server, a smarthost, the
 * server of a route. The host may be a name: it is resolved when connecting, never when loading the configuration.
 *
 * @param host an IP literal (IPv6 without brackets, in RFC 5952 form) or a host name, in lower case
 * @param port 1 to 65535
 */
public record HostPort(String host, int port) {

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (IpLiteral.looksNumeric(host)) {
            host = AddressLiteral.format(IpLiteral.parse(host));
        } else if (!Domain.isValid(host)) {
            throw new IllegalArgumentException("not an IP address or host name: " + host);
        } else {
            host = host.toLowerCase(Locale.ROOT);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 1 and 65535");
        }
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}; the port is required.
     *
     * @throws IllegalArgumentException with the reason
     */
    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected host:port, got " + text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException("brackets are for IPv6 addresses only");
            }
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("write an IPv6 address in brackets: [" + host + "]:port");
        }
        String port = text.substring(colon + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /** {@code host:port}, an IPv6 address in brackets: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
