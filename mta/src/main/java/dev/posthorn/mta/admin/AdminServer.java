package dev.posthorn.mta.admin;

import dev.posthorn.smtp.AddressLiteral;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's admin listener: an embedded Jetty 12 server (HTTP/1.1, one virtual thread per request) serving
 * {@link AdminHandler}'s routes on {@code admin.listen}.
 *
 * <p>Bounds: the request line and header fields together at most {@value #HEADER_LIMIT} octets (Jetty answers 431
 * or 414 beyond), an idle connection closed after {@link #IDLE_TIMEOUT}, a request body at most
 * {@link ApiRequest#MAX_BODY} octets (413), at most {@value #MAX_THREADS} threads. Error pages never show a stack
 * trace, and the server names no version.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final int HEADER_LIMIT = 8 * 1024;
    /** Virtual threads serving requests (and Jetty's acceptor and selector) at once; more requests wait. */
    private static final int MAX_THREADS = 64;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final Server server;
    private final InetSocketAddress address;

    private AdminServer(Server server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /**
     * Binds {@code listen} and starts serving.
     *
     * @param routes the parts of {@code /api/v1}, asked in order
     * @throws IOException {@code cannot listen on HOST:PORT: address already in use} and the like
     */
    public static AdminServer start(InetSocketAddress listen, AdminToken token, PrometheusMeterRegistry metrics,
                                    Readiness readiness, List<ApiRoutes> routes) throws IOException {
        VirtualThreadPool threads = new VirtualThreadPool(MAX_THREADS);
        threads.setName("admin");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(HEADER_LIMIT);
        http.setResponseHeaderSize(HEADER_LIMIT);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(listen.getAddress().getHostAddress());
        connector.setPort(listen.getPort());
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);
        server.setHandler(new AdminHandler(token, metrics, readiness, routes));
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowCauses(false);
        errors.setShowMessageInTitle(false);
        server.setErrorHandler(errors);
        // No graceful wait at stop: an API call cut by the daemon's own shutdown fails at the client, which says so;
        // waiting would only hold up the SMTP listeners' drain behind idle keep-alive connections.
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw failure(listen, e);
        }
        InetSocketAddress bound = new InetSocketAddress(listen.getAddress(), connector.getLocalPort());
        log.info("admin listener on {}", AddressLiteral.format(bound));
        if (!listen.getAddress().isLoopbackAddress()) {
            // Plain HTTP: the bearer token crosses the network readable by anyone on the path.
            log.warn("admin listener on {} is not on loopback: its token and answers travel unencrypted; keep it on a"
                    + " private network or behind a TLS proxy", AddressLiteral.format(bound));
        }
        return new AdminServer(server, bound);
    }

    /** Why the server did not start, naming the address as the operator wrote it. */
    private static IOException failure(InetSocketAddress listen, Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException bind) {
                String why = bind.getMessage() == null ? "cannot bind" : bind.getMessage().toLowerCase(Locale.ROOT);
                return new IOException("cannot listen on " + AddressLiteral.format(listen) + ": " + why, e);
            }
        }
        return new IOException("admin listener on " + AddressLiteral.format(listen) + " did not start: " + e.getMessage(), e);
    }

    /** The bound address (the real port when port 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        stopQuietly(server);
        log.info("admin listener on {} stopped", AddressLiteral.format(address));
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("admin listener did not stop cleanly", e);
        }
    }
}
