package dev.posthorn.mta.config;

import dev.posthorn.smtp.Domain;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where an LMTP server (RFC 2033) listens: a TCP host and port, or a Unix domain socket.
 */
public sealed interface LmtpTarget {

    /**
     * Parses {@code host:port}, {@code [ipv6]:port} or {@code unix:/absolute/path}. The host may be a name: it is
     * resolved when delivering, never when loading the configuration.
     *
     * @throws IllegalArgumentException with the reason
     */
    static LmtpTarget parse(String text) {
        if (text.startsWith("unix:")) {
            try {
                return new Unix(Path.of(text.substring("unix:".length())));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("not a path: " + e.getReason(), e);
            }
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected host:port or unix:/path");
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
        return new Tcp(host, Integer.parseInt(port));
    }

    /**
     * An LMTP server over TCP.
     *
     * @param host an IP literal (IPv6 without brackets) or a host name, in lower case
     * @param port 1 to 65535
     */
    record Tcp(String host, int port) implements LmtpTarget {

        public Tcp {
            Objects.requireNonNull(host, "host");
            if (IpLiteral.looksNumeric(host)) {
                host = IpLiteral.format(IpLiteral.parse(host));
            } else if (!Domain.isValid(host)) {
                throw new IllegalArgumentException("not an IP address or host name: " + host);
            } else {
                host = host.toLowerCase(Locale.ROOT);
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 1 and 65535");
            }
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * An LMTP server on a Unix domain socket.
     *
     * @param socket the socket's absolute path (a relative one would depend on the daemon's working folder)
     */
    record Unix(Path socket) implements LmtpTarget {

        public Unix {
            Objects.requireNonNull(socket, "socket");
            if (!socket.isAbsolute()) {
                throw new IllegalArgumentException("the socket path must be absolute: unix:/path/to/socket");
            }
        }

        @Override
        public String toString() {
            return "unix:" + socket;
        }
    }
}
