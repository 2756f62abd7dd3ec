package dev.posthorn.smtp.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

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

    private final Acceptor acceptor;

    private SmtpServer(ServerSettings settings) {
        this.acceptor = new Acceptor(settings);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the listening socket and starts accepting. */
    public SmtpServer start() throws IOException {
        acceptor.start();
        return this;
    }

    /** The port the server listens on (useful after binding port 0). */
    public int port() {
        return acceptor.port();
    }

    public InetSocketAddress address() {
        return acceptor.address();
    }

    /** Whether the server is bound and accepting (started, and not shut down). */
    public boolean listening() {
        return acceptor.listening();
    }

    /** The number of open connections. */
    public int connectionCount() {
        return acceptor.connectionCount();
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
        acceptor.reconfigure(builder.settings());
    }

    /**
     * Stops accepting, tells idle sessions {@code 421 4.3.2}, lets sessions in the middle of a message finish until
     * the deadline, then closes whatever is left.
     */
    public void shutdown(Duration deadline) {
        acceptor.shutdown(deadline);
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
        private boolean offerRequireTls;
        private Authenticator authenticator;
        private SessionPolicy policy = SessionPolicy.ACCEPT_ALL;
        private MessageSink sink;
        private SessionHandler.Factory handlers;
        private EtrnHandler etrn;
        private Tarpit tarpit = Tarpit.OFF;
        private Predicate<InetAddress> trustedClients = address -> false;
        private Predicate<InetAddress> proxyFrom;
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
            b.offerRequireTls = offerRequireTls;
            b.authenticator = authenticator;
            b.policy = policy;
            b.sink = sink;
            b.handlers = handlers;
            b.etrn = etrn;
            b.tarpit = tarpit;
            b.trustedClients = trustedClients;
            b.proxyFrom = proxyFrom;
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

        /**
         * Offer REQUIRETLS (RFC 8689) on TLS sessions and accept {@code MAIL FROM:<...> REQUIRETLS} there; the flag
         * reaches the handler as {@link dev.posthorn.smtp.MailParameters#requireTls()}. Off by default: accepting
         * the option promises that the message travels on only over validated TLS to servers that offer it too
         * (RFC 8689 4.2.1), a promise only the embedder's onward delivery can keep, so it has to opt in. Has no
         * effect without {@link #tls(ServerTls)}.
         */
        public Builder offerRequireTls(boolean offer) {
            Builder b = copy();
            b.offerRequireTls = offer;
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

        /**
         * Receives the messages; required unless {@link #handlers} is given. With {@link #policy}, it runs as every
         * session's {@link SessionHandler} ({@link SessionHandler#of}).
         */
        public Builder sink(MessageSink sink) {
            Builder b = copy();
            b.sink = Objects.requireNonNull(sink, "sink");
            return b;
        }

        /**
         * A handler per connection ({@link SessionHandler}): decides each step, takes the messages, and is closed
         * when the connection ends. Instead of {@link #policy} and {@link #sink}, which cannot be given with it (to
         * ask a policy too, chain {@link SessionHandler#of} with the handler).
         */
        public Builder handlers(SessionHandler.Factory factory) {
            Builder b = copy();
            b.handlers = Objects.requireNonNull(factory, "factory");
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

        /**
         * Every connection starts with a PROXY protocol header (HAProxy's {@code proxy-protocol.txt}, version 1 or 2)
         * from a proxy whose address {@code from} accepts; the client the header names is then the session's client
         * for everything: {@link SessionInfo#remote()}, the Received field, {@link #maxConnectionsPerIp(int)},
         * {@link #trustedClients(Predicate)}, the events and logs. A header that names no client (v1 {@code UNKNOWN},
         * v2 {@code LOCAL}: a proxy's health check) leaves the proxy's address. A connection from an address
         * {@code from} refuses, or whose header is malformed, over its size or not complete within 10 s (the command
         * timeout when shorter), is closed without a reply: the peer is no proxy of ours, or it does not speak the
         * protocol, and an SMTP reply would only be read as the header's answer. {@code null} (the default): no
         * header, the TCP peer is the client.
         */
        public Builder proxyProtocol(Predicate<InetAddress> from) {
            Builder b = copy();
            b.proxyFrom = from;
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
         * limit still gets {@code 552 5.3.4}. This stage is drawn when the message starts (that is what lets the sink
         * be skipped) and applied when it has ended;</li>
         * <li>a delay waits (on the session's virtual thread, after sending the replies already due) and then goes on
         * as usual: at {@code END_OF_DATA} the sink is called and its reply waits;</li>
         * <li>a disconnect closes the connection without a reply (replies to earlier commands still go out);</li>
         * <li>a stall reads and drops whatever the client sends, answering nothing, until the client closes or the
         * stall's duration passes, then closes. The stall is bounded by its own duration only (not by the command
         * timeout: making clients hit their timeouts is the point), but it shrinks like a command deadline under
         * {@link Stress}, and a shutdown ends it.</li>
         * </ul>
         * A session refused at the greeting (554) draws no more. Chaos replies do not count towards
         * {@link #maxErrors} or the {@link #tarpit} (but a BDAT's refusal does, as any refused chunk). The same
         * {@code Chaos} may be shared by servers and changed while they run.
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
            SessionHandler.Factory factory = handlers;
            if (factory == null) {
                if (sink == null) {
                    throw new IllegalStateException("a message sink or a session handler factory is required");
                }
                SessionHandler adapted = SessionHandler.of(policy, sink);
                factory = session -> adapted;
            } else if (sink != null || policy != SessionPolicy.ACCEPT_ALL) {
                throw new IllegalStateException("handlers(...) replaces policy(...) and sink(...): give one or the"
                        + " other");
            }
            if ((implicitTls || requireTls) && tls == null) {
                throw new IllegalStateException("implicit or required TLS needs tls(...)");
            }
            return new ServerSettings(address, hostname, maxMessageSize, maxRecipients, maxConnections,
                    maxConnectionsPerIp, maxErrors, maxJunkCommands, commandTimeout, dataTimeout, minDataRate, stress,
                    tlsHandshakeTimeout, greetingDelay, tls, implicitTls, authRequiresTls, requireTls, requireAuth,
                    offerRequireTls, authenticator, factory, etrn, tarpit,
                    trustedClients, proxyFrom, events, chaos);
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
