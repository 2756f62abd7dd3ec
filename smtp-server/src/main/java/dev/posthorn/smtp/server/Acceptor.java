package dev.posthorn.smtp.server;

import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running part of an {@link SmtpServer}: the listening socket, the accept loop, the limits on open connections
 * (in all, before {@code accept()}; per address, after), the deadline watch and the shutdown. Kept apart so that
 * {@code SmtpServer} is the embedder's API and its builder.
 */
final class Acceptor {

    /** Under the server's name, as the embedder knows it (log configurations name it). */
    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);
    private static final AtomicLong SERVER_COUNTER = new AtomicLong();
    private static final long WATCH_INTERVAL_MILLIS = 250;

    /** The settings new connections get; a connection keeps those it started with ({@link #reconfigure}). */
    private volatile ServerSettings settings;
    private final Permits permits;
    private final StressGauge gauge;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    /** Accepted from a proxy, their PROXY header not read yet: a shutdown closes them. */
    private final Set<Socket> awaitingHeader = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicLong connectionCounter = new AtomicLong();
    private final AtomicLong refusedPerAddress = new AtomicLong();
    private final String name;
    private volatile ServerSocket listener;
    /** Written by {@link #start} and read by {@link #shutdown}, both holding this acceptor's lock. */
    private Thread acceptor;
    /** Started with the acceptor; ends the reads and writes past their deadlines that no timeout of their own ends. */
    private Thread watch;
    private volatile boolean stopping;

    Acceptor(ServerSettings settings) {
        this.settings = settings;
        this.permits = new Permits(settings.maxConnections());
        this.name = "smtp" + SERVER_COUNTER.incrementAndGet();
        this.gauge = new StressGauge(name);
    }

    /** Binds the listening socket and starts accepting. */
    synchronized void start() throws IOException {
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
    }

    int port() {
        return requireStarted().getLocalPort();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) requireStarted().getLocalSocketAddress();
    }

    boolean listening() {
        ServerSocket socket = listener;
        return socket != null && socket.isBound() && !socket.isClosed() && !stopping;
    }

    int connectionCount() {
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

    /** See {@link SmtpServer#reconfigure}. */
    void reconfigure(ServerSettings next) {
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
        if (settings.proxyFrom() == null) {
            enter(socket, (InetSocketAddress) socket.getRemoteSocketAddress(), settings, false);
            return;
        }
        if (!settings.proxyFrom().test(socket.getInetAddress())) {
            log.info("{}: closed {}: not a proxy the PROXY protocol is taken from", name,
                    AddressLiteral.format(socket.getInetAddress()));
            drop(socket);
            return;
        }
        awaitingHeader.add(socket);
        if (stopping) { // a shutdown that began after the accept may have missed it in awaitingHeader
            awaitingHeader.remove(socket);
            drop(socket);
            return;
        }
        try {
            Thread.ofVirtual().name(name + "-proxied-" + socket.getPort()).start(() -> proxied(socket, settings));
        } catch (RuntimeException e) {
            log.error("{}: cannot start a thread for a proxied connection", name, e);
            awaitingHeader.remove(socket);
            drop(socket);
        }
    }

    /**
     * Reads the PROXY header, then admits the connection as coming from the client it names: the per-address count,
     * the trusted check and the events see the original client, never the proxy. On this thread, which becomes the
     * connection's.
     */
    private void proxied(Socket socket, ServerSettings settings) {
        InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
        ProxyHeader header;
        try {
            header = ProxyHeader.read(socket, settings.proxyHeaderTimeout());
        } catch (IOException e) {
            log.info("{}: closed {}: no valid PROXY header: {}", name, AddressLiteral.format(peer),
                    LogText.escape(String.valueOf(e.getMessage())));
            drop(socket);
            return;
        } finally {
            awaitingHeader.remove(socket);
        }
        if (stopping) {
            drop(socket);
            return;
        }
        log.debug("{}: {} from {}", name, header, AddressLiteral.format(peer));
        enter(socket, header.source() != null ? header.source() : peer, settings, true);
    }

    /** Closes a connection that never became one: no reply, no events, its permit back. */
    private void drop(Socket socket) {
        closeQuietly(socket);
        permits.release();
    }

    /**
     * Counts the connection for {@code remote} (the client: the TCP peer, or the one a PROXY header named) and runs
     * it, or its refusal when the address is over its limit, on a new thread or, {@code here}, on this one.
     */
    private void enter(Socket socket, InetSocketAddress remote, ServerSettings settings, boolean here) {
        InetAddress address = remote.getAddress();
        settings.events().connectionOpened(remote);
        int count = perAddress.merge(address, 1, Integer::sum);
        String id = name + "-" + connectionCounter.incrementAndGet();
        boolean trusted = settings.trustedClients().test(address);
        Connection connection = new Connection(this, gauge, settings, socket, remote, id, trusted);
        connections.add(connection);
        gauge.update(connections.size(), settings);
        boolean over = count > settings.maxConnectionsPerIp() && !trusted;
        Runnable task = over ? () -> refuse(connection, socket) : connection;
        if (here) {
            Thread.currentThread().setName(id);
            task.run();
            return;
        }
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
                AddressLiteral.format(connection.remote().getAddress()), settings.maxConnectionsPerIp(),
                refusedPerAddress.incrementAndGet());
        connection.settings().events().connectionRefused(connection.remote(),
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

    /** See {@link SmtpServer#shutdown}. */
    void shutdown(Duration deadline) {
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
        awaitingHeader.forEach(Acceptor::closeQuietly);
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
}
