package dev.posthorn.mta.admin;

import dev.posthorn.mta.http.JettyListener;
import dev.posthorn.smtp.AddressLiteral;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
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

    private static final JettyListener.Limits LIMITS =
            new JettyListener.Limits("admin listener", "admin", MAX_THREADS, HEADER_LIMIT, IDLE_TIMEOUT, log);

    private final JettyListener listener;

    private AdminServer(JettyListener listener) {
        this.listener = listener;
    }

    /**
     * Binds {@code listen} and starts serving.
     *
     * @param routes the parts of {@code /api/v1}, asked in order
     * @throws IOException {@code cannot listen on HOST:PORT: address already in use} and the like
     */
    public static AdminServer start(InetSocketAddress listen, AdminToken token, PrometheusMeterRegistry metrics,
                                    Readiness readiness, List<ApiRoutes> routes) throws IOException {
        JettyListener listener =
                JettyListener.start(listen, LIMITS, new AdminHandler(token, metrics, readiness, routes));
        InetSocketAddress bound = listener.address();
        log.info("admin listener on {}", AddressLiteral.format(bound));
        if (!listen.getAddress().isLoopbackAddress()) {
            // Plain HTTP: the bearer token crosses the network readable by anyone on the path.
            log.warn("admin listener on {} is not on loopback: its token and answers travel unencrypted; keep it on a"
                    + " private network or behind a TLS proxy", AddressLiteral.format(bound));
        }
        return new AdminServer(listener);
    }

    /** The bound address (the real port when port 0 was asked for). */
    public InetSocketAddress address() {
        return listener.address();
    }

    @Override
    public void close() {
        listener.stop();
        log.info("admin listener on {} stopped", AddressLiteral.format(listener.address()));
    }
}
