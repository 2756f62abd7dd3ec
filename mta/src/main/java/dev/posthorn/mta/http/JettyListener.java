package dev.posthorn.mta.http;

import dev.posthorn.smtp.AddressLiteral;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.slf4j.Logger;

/**
 * A started Jetty 12 server on one address: HTTP/1.1, a virtual thread per request, bounded by its {@link Limits},
 * naming no version, error pages without stack, cause or message, and no graceful wait at stop.
 */
public final class JettyListener {

    /**
     * How one listener is named and bounded.
     *
     * @param name        how errors and logs name it ({@code admin listener}, {@code web view})
     * @param threadName  its request threads' name
     * @param maxThreads  virtual threads serving requests (and Jetty's acceptor and selector) at once; more wait
     * @param headerLimit the request line and header fields together, in octets (Jetty answers 431 or 414 beyond),
     *                    and likewise a response's header fields
     * @param idleTimeout an idle connection is closed after this
     * @param log         where it logs (the owner's logger, so log categories stay the owner's)
     */
    public record Limits(String name, String threadName, int maxThreads, int headerLimit, Duration idleTimeout,
                         Logger log) {
        public Limits {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(threadName, "threadName");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(log, "log");
        }
    }

    private final Server server;
    private final InetSocketAddress address;
    private final Limits limits;

    private JettyListener(Server server, InetSocketAddress address, Limits limits) {
        this.server = server;
        this.address = address;
        this.limits = limits;
    }

    /**
     * Binds {@code listen} and starts serving {@code handler}.
     *
     * @throws IOException {@code cannot listen on HOST:PORT: address already in use} and the like
     */
    public static JettyListener start(InetSocketAddress listen, Limits limits, Handler handler) throws IOException {
        VirtualThreadPool threads = new VirtualThreadPool(limits.maxThreads());
        threads.setName(limits.threadName());
        Server server = new Server(threads);
        ServerConnector connector = connector(server, listen, limits);
        server.addConnector(connector);
        server.setHandler(handler);
        server.setErrorHandler(quietErrors());
        // No graceful wait at stop: a call cut by a shutdown fails at the client, which says so; waiting would only
        // hold up the rest of the shutdown behind idle keep-alive connections and open event streams.
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server, limits);
            throw failure(listen, limits, e);
        }
        InetSocketAddress bound = new InetSocketAddress(listen.getAddress(), connector.getLocalPort());
        return new JettyListener(server, bound, limits);
    }

    /** HTTP/1.1 with the header limit, naming no version. */
    private static ServerConnector connector(Server server, InetSocketAddress listen, Limits limits) {
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(limits.headerLimit());
        http.setResponseHeaderSize(limits.headerLimit());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(listen.getAddress().getHostAddress());
        connector.setPort(listen.getPort());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        return connector;
    }

    /** Jetty's own error pages (a malformed request, 431, 414) without stack, cause or message. */
    private static ErrorHandler quietErrors() {
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowCauses(false);
        errors.setShowMessageInTitle(false);
        return errors;
    }

    /** Why the server did not start, naming the address as the operator wrote it. */
    private static IOException failure(InetSocketAddress listen, Limits limits, Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException bind) {
                String why = bind.getMessage() == null ? "cannot bind" : bind.getMessage().toLowerCase(Locale.ROOT);
                return new IOException("cannot listen on " + AddressLiteral.format(listen) + ": " + why, e);
            }
        }
        return new IOException(limits.name() + " on " + AddressLiteral.format(listen) + " did not start: "
                + e.getMessage(), e);
    }

    /** The bound address (the real port when port 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /** Whether the server has stopped. */
    public boolean isStopped() {
        return server.isStopped();
    }

    /** Stops the server; a failure to stop is logged, not thrown. */
    public void stop() {
        stopQuietly(server, limits);
    }

    private static void stopQuietly(Server server, Limits limits) {
        try {
            server.stop();
        } catch (Exception e) {
            limits.log().warn("{} did not stop cleanly", limits.name(), e);
        }
    }
}
