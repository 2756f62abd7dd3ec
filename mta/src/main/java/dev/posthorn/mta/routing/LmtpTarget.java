package dev.posthorn.mta.routing;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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
        if (text.lastIndexOf(':') <= 0) {
            throw new IllegalArgumentException("expected host:port or unix:/path");
        }
        HostPort server = HostPort.parse(text);
        return new Tcp(server.host(), server.port());
    }

    /**
     * An LMTP server over TCP.
     *
     * @param host an IP literal (IPv6 without brackets) or a host name, in lower case
     * @param port 1 to 65535
     */
    record Tcp(String host, int port) implements LmtpTarget {

        public Tcp {
            host = new HostPort(host, port).host();
        }

        @Override
        public String toString() {
            return new HostPort(host, port).toString();
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
