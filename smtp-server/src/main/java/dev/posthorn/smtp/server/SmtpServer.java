package dev.posthorn.smtp.server;

import dev.posthorn.smtp.AddressLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embeddable SMTP server. Build one with {@link #builder()}, {@link #start()} it, and {@link #close()} it:
 *
 * <pre>{@code
 * try (SmtpServer server = SmtpServer.builder()
 *         .hostname("mx.example.org")
 *         .sink((envelope, message) -> { store(envelope, message); return Replies.queued(envelope.id()); })
 *         .build()
 *         .start()) {
 *     int port = server.port();
 *     ...
 * }
 * }</pre>
 *
 * <p>A semaphore bounds the connections before {@code accept()}, so a flood waits in the kernel's backlog rather
 * than in memory; each accepted connection runs on its own virtual thread named after the connection.
 */
public final class SmtpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);
    private static final AtomicLong SERVER_COUNTER = new AtomicLong();
    private static final long WATCH_INTERVAL_MILLIS = 250;

    /** The settings new connections get; a connection keeps those it started with ({@link #reconfigure}). */
    private volatile ServerSettings settings;
    private final Permits permits;
    private final StressGauge gauge;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicLong connectionCounter = new AtomicLong();
    private final AtomicLong refusedPerAddress = new AtomicLong();
    private final String name;
    private volatile ServerSocket listener;
    /** Written by {@link #start} and read by {@link #shutdown}, both holding this server's lock. */
    private Thread acceptor;
    /** Started with the acceptor; ends the reads and writes past their deadlines that no timeout of their own ends. */
    private Thread watch;
    private volatile boolean stopping;

    private SmtpServer(ServerSettings settings) {
        this.settings = settings;
        this.permits = new Permits(settings.maxConnections());
        this.name = "smtp" + SERVER_COUNTER.incrementAndGet();
        this.gauge = new StressGauge(name);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the listening socket and starts accepting. */
    public synchronized SmtpServer start() throws IOException {
        if (listener != null) {
            throw new IllegalStateException("already started");
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(settings.address(), 4096);
        listener = socket;
        acceptor = Thread.ofVirtual().name(name + "-accept-" + socket.getLocalPort()).start(this::acceptLoop);
        watch = Thread.ofVirtual().name(name + "-deadlines").start(this::watchDeadlines);
        log.info("SMTP server {} listening on {}", settings.hostname(), socket.getLocalSocketAddress());
        return this;
    }

    /** The port the server listens on (useful after binding port 0). */
    public int port() {
        return requireStarted().getLocalPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) requireStarted().getLocalSocketAddress();
    }

    /** Whether the server is bound and accepting (started, and not shut down). */
    public boolean listening() {
        ServerSocket socket = listener;
        return socket != null && socket.isBound() && !socket.isClosed() && !stopping;
    }

    /** The number of open connections. */
    public int connectionCount() {
        return connections.size();
    }

    private ServerSocket requireStarted() {
        ServerSocket socket = listener;
        if (socket == null) {
            throw new IllegalStateException("not started");
        }
        return socket;
    }

    private void acceptLoop() {
        while (!stopping) {
            Socket socket = null;
            try {
                permits.acquire();
                socket = listener.accept();
                socket.setTcpNoDelay(true);
                admit(socket);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                permits.release();
                closeQuietly(socket);
                if (!stopping) {
                    log.warn("accept failed on {}", listener.getLocalSocketAddress(), e);
                }
            }
        }
    }

    /**
     * Four times a second, asks every connection to end a read or write past its deadline. Most reads end on their own
     * timeout; this finds those armed before stress shortened their deadline, and writes to a client that does not
     * read (a socket write has no timeout).
     */
    private void watchDeadlines() {
        while (!stopping) {
            try {
                TimeUnit.MILLISECONDS.sleep(WATCH_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            gauge.update(connections.size(), settings);
            long now = System.nanoTime();
            for (Connection connection : connections) {
                try {
                    connection.enforceDeadlines(now);
                } catch (RuntimeException e) {
                    log.error("{}: deadline check failed", connection.id(), e);
                }
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                log.trace("close failed", e);
            }
        }
    }

    /**
     * Gives connections accepted from now on the settings of {@code builder}; connections already open finish their
     * sessions under the settings they started with (a reload never changes the rules in the middle of a
     * transaction). The listening socket stays as it is: the builder's address must be the one this server was built
     * with. A smaller {@code maxConnections} takes effect as connections close.
     *
     * @throws IllegalArgumentException when the builder names another address
     */
    public void reconfigure(Builder builder) {
        ServerSettings next = builder.settings();
        ServerSettings previous;
        synchronized (this) {
            previous = settings;
            if (!next.address().equals(previous.address())) {
                throw new IllegalArgumentException("a running server cannot move from " + previous.address() + " to "
                        + next.address());
            }
            settings = next;
            permits.resize(previous.maxConnections(), next.maxConnections());
        }
    }

    /** A semaphore whose number of permits can change while permits are out. */
    private static final class Permits extends Semaphore {
        private static final long serialVersionUID = 1L;

        Permits(int count) {
            super(count);
        }

        void resize(int from, int to) {
            if (to > from) {
                release(to - from);
            } else if (to < from) {
                reducePermits(from - to);
            }
        }
    }

    private void admit(Socket socket) {
        ServerSettings settings = this.settings;
        InetAddress address = socket.getInetAddress();
        settings.events().connectionOpened((InetSocketAddress) socket.getRemoteSocketAddress());
        int count = perAddress.merge(address, 1, Integer::sum);
        String id = name + "-" + connectionCounter.incrementAndGet();
        boolean trusted = settings.trustedClients().test(address);
        Connection connection = new Connection(this, gauge, settings, socket, id, trusted);
        connections.add(connection);
        gauge.update(connections.size(), settings);
        boolean over = count > settings.maxConnectionsPerIp() && !trusted;
        Runnable task = over ? () -> refuse(connection, socket) : connection;
        try {
            Thread.ofVirtual().name(id).start(task);
        } catch (RuntimeException e) {
            log.error("{}: cannot start a thread for the connection", id, e);
            closeQuietly(socket);
            closed(connection);
        }
    }

    private void refuse(Connection connection, Socket socket) {
        log.info("{}: refused {}: over {} open connections from one address ({} refused so far)", connection.id(),
                AddressLiteral.format(socket.getInetAddress()), settings.maxConnectionsPerIp(),
                refusedPerAddress.incrementAndGet());
        connection.settings().events().connectionRefused((InetSocketAddress) socket.getRemoteSocketAddress(),
                ServerEvents.Refusal.PER_IP_LIMIT, dev.posthorn.smtp.Replies.TOO_MANY_CONNECTIONS_FROM_YOU);
        try (socket) {
            socket.setSoTimeout(1000);
            socket.getOutputStream().write(dev.posthorn.smtp.Replies.TOO_MANY_CONNECTIONS_FROM_YOU.toWire());
        } catch (IOException e) {
            log.trace("refusal not delivered", e);
        } finally {
            closed(connection);
        }
    }

    void closed(Connection connection) {
        if (connections.remove(connection)) {
            perAddress.computeIfPresent(connection.remote().getAddress(), (a, n) -> n > 1 ? n - 1 : null);
            permits.release();
            gauge.update(connections.size(), settings);
            // The events of the settings it was opened with: after a reconfigure, its close counts where its open did.
            connection.settings().events().connectionClosed(connection.remote());
        }
    }

    /**
     * Stops accepting, tells idle sessions {@code 421 4.3.2}, lets sessions in the middle of a message finish until
     * the deadline, then closes whatever is left.
     */
    public void shutdown(Duration deadline) {
        stopping = true;
        ServerSocket socket = listener;
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            log.trace("listener close failed", e);
        }
        Thread accepting;
        Thread watching;
        synchronized (this) { // start() has finished: the listener it published comes with its acceptor
            accepting = acceptor;
            watching = watch;
        }
        if (accepting != null) {
            accepting.interrupt();
        }
        if (watching != null) {
            watching.interrupt();
        }
        connections.forEach(Connection::shutdown);
        long end = System.nanoTime() + deadline.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < end) {
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            connections.forEach(Connection::shutdown);
        }
        connections.forEach(Connection::abort);
        log.info("SMTP server on {} stopped", socket.getLocalSocketAddress());
    }

    /** {@link #shutdown(Duration)} with a 10 second deadline. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }

    /**
     * An immutable builder: every method returns a new builder, so one can be shared and varied safely.
     */
    public static final class Builder {
        private InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private String hostname = "localhost";
        private long maxMessageSize = 26_214_400;
        private int maxRecipients = 100;
        private int maxConnections = 1000;
        private int maxConnectionsPerIp = 50;
        private int maxErrors = 20;
        private Duration commandTimeout = Duration.ofMinutes(5);
        private Duration dataTimeout = Duration.ofMinutes(5);
        private Duration tlsHandshakeTimeout = Duration.ofSeconds(30);
        private Duration greetingDelay = Duration.ZERO;
        private long minDataRate = 500;
        private int maxJunkCommands = 100;
        private Stress stress = Stress.DEFAULT;
        private ServerTls tls;
        private boolean implicitTls;
        private boolean authRequiresTls = true;
        private boolean requireTls;
        private boolean requireAuth;
        private Authenticator authenticator;
        private SessionPolicy policy = SessionPolicy.ACCEPT_ALL;
        private MessageSink sink;
        private EtrnHandler etrn;
        private Tarpit tarpit = Tarpit.OFF;
        private Predicate<InetAddress> trustedClients = address -> false;
        private ServerEvents events = ServerEvents.NONE;
        private Chaos chaos;

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.address = address;
            b.hostname = hostname;
            b.maxMessageSize = maxMessageSize;
            b.maxRecipients = maxRecipients;
            b.maxConnections = maxConnections;
            b.maxConnectionsPerIp = maxConnectionsPerIp;
            b.maxErrors = maxErrors;
            b.commandTimeout = commandTimeout;
            b.dataTimeout = dataTimeout;
            b.tlsHandshakeTimeout = tlsHandshakeTimeout;
            b.greetingDelay = greetingDelay;
            b.minDataRate = minDataRate;
            b.maxJunkCommands = maxJunkCommands;
            b.stress = stress;
            b.tls = tls;
            b.implicitTls = implicitTls;
            b.authRequiresTls = authRequiresTls;
            b.requireTls = requireTls;
            b.requireAuth = requireAuth;
            b.authenticator = authenticator;
            b.policy = policy;
            b.sink = sink;
            b.etrn = etrn;
            b.tarpit = tarpit;
            b.trustedClients = trustedClients;
            b.events = events;
            b.chaos = chaos;
            return b;
        }

        /** Where to listen; default 127.0.0.1 port 0 (any free port). */
        public Builder bind(InetSocketAddress address) {
            Builder b = copy();
            b.address = Objects.requireNonNull(address, "address");
            return b;
        }

        public Builder bind(String host, int port) {
            return bind(new InetSocketAddress(host, port));
        }

        /** The name in the greeting, the EHLO reply and the Received header; default {@code localhost}. */
        public Builder hostname(String hostname) {
            if (!dev.posthorn.smtp.Domain.isValid(Objects.requireNonNull(hostname, "hostname"))) {
                throw new IllegalArgumentException("hostname must be a domain name: " + hostname);
            }
            Builder b = copy();
            b.hostname = hostname;
            return b;
        }

        /** The SIZE limit in octets (RFC 1870); default 25 MiB. */
        public Builder maxMessageSize(long octets) {
            Builder b = copy();
            b.maxMessageSize = positive(octets, "maxMessageSize");
            return b;
        }

        /** Recipients per transaction; RFC 5321 4.5.3.1.8 requires at least 100 (the default). */
        public Builder maxRecipients(int count) {
            Builder b = copy();
            b.maxRecipients = (int) positive(count, "maxRecipients");
            return b;
        }

        /** Open connections in all; default 1000. */
        public Builder maxConnections(int count) {
            Builder b = copy();
            b.maxConnections = (int) positive(count, "maxConnections");
            return b;
        }

        /** Open connections from one address; default 50. */
        public Builder maxConnectionsPerIp(int count) {
            Builder b = copy();
            b.maxConnectionsPerIp = (int) positive(count, "maxConnectionsPerIp");
            return b;
        }

        /** Failed commands before the session is closed with {@code 421}; default 20. */
        public Builder maxErrors(int count) {
            Builder b = copy();
            b.maxErrors = (int) positive(count, "maxErrors");
            return b;
        }

        /** How long a whole command line may take to arrive; RFC 5321 4.5.3.2.7: at least 5 minutes (default). */
        public Builder commandTimeout(Duration timeout) {
            Builder b = copy();
            b.commandTimeout = duration(timeout);
            return b;
        }

        /** How long message data may stall between reads; default 5 minutes. */
        public Builder dataTimeout(Duration timeout) {
            Builder b = copy();
            b.dataTimeout = duration(timeout);
            return b;
        }

        /**
         * The slowest a message's data may arrive, in octets per second: the data of a message may take the data
         * timeout plus its octets at this rate (Postfix's {@code smtpd_min_data_rate}), so a client that sends a byte
         * just before each idle limit cannot hold its connection for the hours its size would allow. Default 500.
         */
        public Builder minDataRate(long octetsPerSecond) {
            Builder b = copy();
            b.minDataRate = positive(octetsPerSecond, "minDataRate");
            return b;
        }

        /**
         * Commands that move no mail (NOOP, RSET, VRFY, HELP, ETRN, HELO, EHLO) a session may send before each
         * further one counts as an error toward {@link #maxErrors(int)} (Postfix's {@code smtpd_junk_command_limit}),
         * so a flood of them ends with {@code 421 4.7.0}. The count starts over with each accepted message. Default
         * 100.
         */
        public Builder maxJunkCommands(int count) {
            Builder b = copy();
            b.maxJunkCommands = (int) positive(count, "maxJunkCommands");
            return b;
        }

        /** Shorter deadlines when connections run short (see {@link Stress}); default {@link Stress#DEFAULT}. */
        public Builder stress(Stress stress) {
            Builder b = copy();
            b.stress = Objects.requireNonNull(stress, "stress");
            return b;
        }

        public Builder tlsHandshakeTimeout(Duration timeout) {
            Builder b = copy();
            b.tlsHandshakeTimeout = duration(timeout);
            return b;
        }

        /** Wait this long before the greeting; a client that talks meanwhile is refused. Default zero. */
        public Builder greetingDelay(Duration delay) {
            Builder b = copy();
            b.greetingDelay = Objects.requireNonNull(delay, "delay");
            return b;
        }

        /** Offer STARTTLS with these credentials. */
        public Builder tls(ServerTls tls) {
            Builder b = copy();
            b.tls = tls;
            return b;
        }

        /** Speak TLS from the first byte (RFC 8314 3.3, port 465); needs {@link #tls(ServerTls)}. */
        public Builder implicitTls(boolean implicit) {
            Builder b = copy();
            b.implicitTls = implicit;
            return b;
        }

        /** Whether AUTH is offered only under TLS (default {@code true}, RFC 4954 4). */
        public Builder authRequiresTls(boolean required) {
            Builder b = copy();
            b.authRequiresTls = required;
            return b;
        }

        /** Refuse MAIL before STARTTLS with {@code 530 5.7.0} (submission, RFC 3207 4). */
        public Builder requireTls(boolean required) {
            Builder b = copy();
            b.requireTls = required;
            return b;
        }

        /** Refuse MAIL before AUTH with {@code 530 5.7.0} (submission, RFC 6409 4.3). */
        public Builder requireAuth(boolean required) {
            Builder b = copy();
            b.requireAuth = required;
            return b;
        }

        /** Enables AUTH PLAIN and LOGIN with this credential check. */
        public Builder authenticator(Authenticator authenticator) {
            Builder b = copy();
            b.authenticator = authenticator;
            return b;
        }

        public Builder policy(SessionPolicy policy) {
            Builder b = copy();
            b.policy = Objects.requireNonNull(policy, "policy");
            return b;
        }

        /** Receives the messages; required. */
        public Builder sink(MessageSink sink) {
            Builder b = copy();
            b.sink = Objects.requireNonNull(sink, "sink");
            return b;
        }

        /** Enables ETRN (RFC 1985). */
        public Builder etrn(EtrnHandler handler) {
            Builder b = copy();
            b.etrn = handler;
            return b;
        }

        /** Slows down clients that keep failing (see {@link Tarpit}); default {@link Tarpit#OFF}. */
        public Builder tarpit(Tarpit tarpit) {
            Builder b = copy();
            b.tarpit = Objects.requireNonNull(tarpit, "tarpit");
            return b;
        }

        /**
         * Clients the server itself need not guard against (the embedder's trusted networks): they are exempt from
         * {@link #maxConnectionsPerIp(int)} and the {@link #tarpit(Tarpit)}. Default: none. Authenticated sessions are
         * exempt from the tarpit too.
         */
        public Builder trustedClients(Predicate<InetAddress> trusted) {
            Builder b = copy();
            b.trustedClients = Objects.requireNonNull(trusted, "trusted");
            return b;
        }

        /** Tells {@code events} what happens on the server (metrics, logs); default {@link ServerEvents#NONE}. */
        public Builder events(ServerEvents events) {
            Builder b = copy();
            b.events = GuardedEvents.of(Objects.requireNonNull(events, "events"));
            return b;
        }

        /**
         * Faults on purpose (see {@link Chaos}); default none. The server draws at each stage and, when a rule fires:
         * <ul>
         * <li>{@code CONNECT} (before the greeting, before the connection policy): a 5xx reply becomes the greeting
         * and every command but QUIT then gets 503, a 4xx reply is sent and the connection closed (RFC 5321 3.1, as a
         * connection policy's refusal);</li>
         * <li>{@code EHLO} (HELO and EHLO), {@code AUTH}, {@code MAIL}, {@code RCPT}, {@code DATA} (DATA, and a BDAT
         * that starts a message, whose chunk is then read and dropped): the reply answers the command, which is not
         * carried out;</li>
         * <li>{@code END_OF_DATA} (the whole message received): the reply is the final answer and the message sink is
         * never called (the message is read and dropped, so nothing can be kept by mistake); a message over the size
         * limit still gets {@code 552 5.3.4};</li>
         * <li>a delay waits (on the session's virtual thread, after sending the replies already due) and then goes on
         * as usual: at {@code END_OF_DATA} the sink is called and its reply waits;</li>
         * <li>a disconnect closes the connection without a reply (replies to earlier commands still go out);</li>
         * <li>a stall reads and drops whatever the client sends, answering nothing, until the client closes or the
         * stall's duration passes, then closes. The stall is bounded by its own duration only (not by the command
         * timeout: making clients hit their timeouts is the point), but it shrinks like a command deadline under
         * {@link Stress}, and a shutdown ends it.</li>
         * </ul>
         * A session refused at the greeting (554) draws no more. The same {@code Chaos} may be shared by servers and
         * changed while they run.
         */
        public Builder chaos(Chaos chaos) {
            Builder b = copy();
            b.chaos = chaos;
            return b;
        }

        public SmtpServer build() {
            return new SmtpServer(settings());
        }

        private ServerSettings settings() {
            if (sink == null) {
                throw new IllegalStateException("a message sink is required");
            }
            if ((implicitTls || requireTls) && tls == null) {
                throw new IllegalStateException("implicit or required TLS needs tls(...)");
            }
            return new ServerSettings(address, hostname, maxMessageSize, maxRecipients, maxConnections,
                    maxConnectionsPerIp, maxErrors, maxJunkCommands, commandTimeout, dataTimeout, minDataRate, stress,
                    tlsHandshakeTimeout, greetingDelay, tls, implicitTls, authRequiresTls, requireTls, requireAuth, authenticator, policy, sink, etrn, tarpit,
                    trustedClients, events, chaos);
        }

        private static long positive(long value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return value;
        }

        private static Duration duration(Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            return value;
        }
    }
}
