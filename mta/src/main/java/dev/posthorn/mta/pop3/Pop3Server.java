package dev.posthorn.mta.pop3;

import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.server.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A POP3 server (RFC 1939 with CAPA, RFC 2449; STLS, RFC 2595; response codes, RFC 3206) over a {@link Maildrop}:
 *
 * <pre>{@code
 * try (Pop3Server pop3 = Pop3Server.start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 1110))
 *         .withStls(ServerTls.selfSigned("localhost")), factory)) {
 *     InetSocketAddress bound = pop3.address();
 * }
 * }</pre>
 *
 * <p>Each connection runs on its own named virtual thread; over {@code maxConnections} open connections, a new one
 * is told {@code -ERR [SYS/TEMP]} and closed at once. A watch thread cuts off clients that take no output.
 */
public final class Pop3Server implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pop3Server.class);
    private static final AtomicLong SERVERS = new AtomicLong();
    private static final long WATCH_MILLIS = 250;

    /** How TLS is offered when there is a certificate. */
    public enum TlsMode {
        /** Plaintext first, TLS after STLS (RFC 2595 4). */
        STLS,
        /** TLS from the first octet ("pop3s", RFC 8314 3.3). */
        IMPLICIT
    }

    /**
     * What a server is started with.
     *
     * @param address        where to listen (port 0 for any free port)
     * @param hostname       named in the greeting
     * @param tls            the certificate, or {@code null} for no TLS
     * @param tlsMode        how {@code tls} is offered
     * @param users          user name to password; when it and {@code passwords} are empty any password opens any
     *                       user name, else the pair must match (user names compared case-insensitively)
     * @param passwords      passwords that open any user name (a user name being a mailbox, as in
     *                       {@code posthorn dev --auth}); compared in constant time
     * @param idleTimeout    how long a command, or a client taking output, may keep the server waiting (RFC 1939
     *                       3: the autologout timer is at least 10 minutes)
     * @param maxConnections open connections at most
     * @param maxBadCommands bad commands (unknown, malformed, out of state, refused PASS) before the server closes
     */
    public record Settings(InetSocketAddress address, String hostname, ServerTls tls, TlsMode tlsMode,
                           Map<String, String> users, Set<String> passwords, Duration idleTimeout,
                           int maxConnections, int maxBadCommands) {

        public Settings {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(hostname, "hostname");
            Objects.requireNonNull(tlsMode, "tlsMode");
            users = users.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                    e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue));
            passwords = Set.copyOf(passwords);
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive");
            }
            if (maxConnections < 1 || maxBadCommands < 0) {
                throw new IllegalArgumentException("maxConnections must be positive, maxBadCommands not negative");
            }
            if (tlsMode == TlsMode.IMPLICIT && tls == null) {
                throw new IllegalArgumentException("implicit TLS needs a certificate");
            }
        }

        /** No TLS, any password, 10 minutes idle, 100 connections, 10 bad commands. */
        public static Settings of(InetSocketAddress address) {
            return new Settings(address, "localhost", null, TlsMode.STLS, Map.of(), Set.of(), Duration.ofMinutes(10),
                    100, 10);
        }

        public Settings withHostname(String name) {
            return new Settings(address, name, tls, tlsMode, users, passwords, idleTimeout, maxConnections,
                    maxBadCommands);
        }

        /** Offers STLS with {@code certificate}. */
        public Settings withStls(ServerTls certificate) {
            return new Settings(address, hostname, certificate, TlsMode.STLS, users, passwords, idleTimeout,
                    maxConnections, maxBadCommands);
        }

        /** Speaks TLS from the first octet with {@code certificate}. */
        public Settings withImplicitTls(ServerTls certificate) {
            return new Settings(address, hostname, certificate, TlsMode.IMPLICIT, users, passwords, idleTimeout,
                    maxConnections, maxBadCommands);
        }

        /**
         * Opens any user name (any mailbox) with one of {@code any} passwords, besides the pairs of
         * {@link #withUsers} ({@code -ERR [AUTH]} otherwise, RFC 3206 4).
         */
        public Settings withPasswords(Collection<String> any) {
            return new Settings(address, hostname, tls, tlsMode, users, Set.copyOf(any), idleTimeout, maxConnections,
                    maxBadCommands);
        }

        /** Enforces these user names and passwords ({@code -ERR [AUTH]} otherwise, RFC 3206 4). */
        public Settings withUsers(Map<String, String> pairs) {
            return new Settings(address, hostname, tls, tlsMode, pairs, passwords, idleTimeout, maxConnections,
                    maxBadCommands);
        }

        public Settings withIdleTimeout(Duration timeout) {
            return new Settings(address, hostname, tls, tlsMode, users, passwords, timeout, maxConnections,
                    maxBadCommands);
        }

        public Settings withMaxConnections(int max) {
            return new Settings(address, hostname, tls, tlsMode, users, passwords, idleTimeout, max, maxBadCommands);
        }

        public Settings withMaxBadCommands(int max) {
            return new Settings(address, hostname, tls, tlsMode, users, passwords, idleTimeout, maxConnections, max);
        }

        @Override
        public String toString() {
            return "Settings[" + address + ", " + hostname + ", tls=" + (tls == null ? "none" : tlsMode) + ", users="
                    + users.keySet() + (passwords.isEmpty() ? "" : ", " + passwords.size() + " passwords") + ", idle "
                    + idleTimeout + ", " + maxConnections + " connections]";
        }
    }

    private final Settings settings;
    private final Maildrop.Factory factory;
    private final ServerSocket listener;
    private final String name;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    /** Locked maildrops (RFC 1939 4), by mailbox, with the session holding each. */
    private final Map<String, Session> locks = new ConcurrentHashMap<>();
    private final AtomicLong counter = new AtomicLong();
    private final Thread acceptor;
    private final Thread watch;
    private volatile boolean closing;

    private Pop3Server(Settings settings, Maildrop.Factory factory, ServerSocket listener) {
        this.settings = settings;
        this.factory = factory;
        this.listener = listener;
        this.name = "pop3-" + SERVERS.incrementAndGet();
        this.acceptor = Thread.ofVirtual().name(name + "-accept").unstarted(this::acceptLoop);
        this.watch = Thread.ofVirtual().name(name + "-watch").unstarted(this::watchLoop);
    }

    /** Binds and starts accepting. */
    public static Pop3Server start(Settings settings, Maildrop.Factory factory) throws IOException {
        Objects.requireNonNull(factory, "factory");
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(settings.address(), 128);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen for POP3 on " + settings.address() + ": " + e.getMessage(), e);
        }
        Pop3Server server = new Pop3Server(settings, factory, socket);
        server.acceptor.start();
        server.watch.start();
        log.info("{}: listening on {} ({})", server.name, server.address(), settings);
        return server;
    }

    /** The bound address (with the actual port when the settings asked for port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** The number of open connections. */
    public int connectionCount() {
        return connections.size();
    }

    private void acceptLoop() {
        while (!closing) {
            try {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true);
                admit(socket);
            } catch (IOException e) {
                if (!closing) {
                    log.warn("{}: accept failed: {}", name, e.toString());
                }
            }
        }
    }

    private void admit(Socket socket) throws IOException {
        String id = name + "-" + counter.incrementAndGet();
        if (connections.size() >= settings.maxConnections()) {
            log.info("{}: refused {}: {} connections open", id, AddressLiteral.format(socket.getInetAddress()),
                    connections.size());
            try (socket) {
                if (settings.tlsMode() != TlsMode.IMPLICIT) {
                    socket.getOutputStream().write(Response.TOO_MANY_CONNECTIONS.toWire());
                }
            }
            return;
        }
        Connection connection = new Connection(this, settings, socket, id);
        connections.add(connection);
        log.debug("{}: connection from {}", id, AddressLiteral.format(socket.getInetAddress()));
        try {
            Thread.ofVirtual().name(id).start(connection);
        } catch (RuntimeException e) {
            log.error("{}: cannot start a thread for the connection", id, e);
            connection.closePlain();
            closed(connection);
        }
    }

    private void watchLoop() {
        while (!closing) {
            try {
                TimeUnit.MILLISECONDS.sleep(WATCH_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            connections.forEach(connection -> connection.enforceDeadline(now));
        }
    }

    Session session(String id, boolean tls) {
        return new Session(settings, factory, locks, id, tls);
    }

    void closed(Connection connection) {
        connections.remove(connection);
    }

    /** Stops accepting and ends every connection (without UPDATE: nothing marked is deleted). */
    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } catch (IOException e) {
            log.trace("{}: close failed", name, e);
        }
        watch.interrupt();
        connections.forEach(Connection::closePlain);
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
