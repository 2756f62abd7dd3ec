package dev.posthorn.smtp.client;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** Where a client connects: a TCP host and port, or a unix domain socket (LMTP to a local mailbox server). */
public sealed interface Endpoint {

    /**
     * @param host   a host name or IP literal
     * @param port   1..65535
     * @param source the local address to connect from, on a host with several (Postfix's smtp_bind_address); empty
     *               lets the operating system choose
     */
    record Tcp(String host, int port, Optional<InetAddress> source) implements Endpoint {
        public Tcp {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(source, "source");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        /** From whatever local address the operating system chooses. */
        public Tcp(String host, int port) {
            this(host, port, Optional.empty());
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
