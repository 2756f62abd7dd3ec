package dev.posthorn.smtp.client;

import java.nio.file.Path;
import java.util.Objects;

/** Where a client connects: a TCP host and port, or a unix domain socket (LMTP to a local mailbox server). */
public sealed interface Endpoint {

    /** @param host a host name or IP literal @param port 1..65535 */
    record Tcp(String host, int port) implements Endpoint {
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** @param socket the socket's path */
    record Unix(Path socket) implements Endpoint {
        public Unix {
            Objects.requireNonNull(socket, "socket");
        }

        @Override
        public String toString() {
            return "unix:" + socket;
        }
    }
}
