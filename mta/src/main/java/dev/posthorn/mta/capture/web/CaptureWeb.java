package dev.posthorn.mta.capture.web;

import dev.posthorn.mta.capture.CaptureStore;
import dev.posthorn.mta.http.JettyListener;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.LogText;
import dev.posthorn.smtp.server.Chaos;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web view and REST API of {@code posthorn dev}: an embedded Jetty 12 server (HTTP/1.1, a virtual thread per
 * request), bounded as the daemon's admin listener is: request line and header fields at most
 * {@value #HEADER_LIMIT} octets, a JSON body at most {@link WebRequest#MAX_BODY}, an idle connection closed after
 * {@link #IDLE_TIMEOUT}, at most {@value #MAX_THREADS} threads, no stack traces, no version.
 */
public final class CaptureWeb implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CaptureWeb.class);
    private static final int HEADER_LIMIT = 8 * 1024;
    /** Requests served at once, event streams ({@link EventStream#MAX_CLIENTS}) included; more wait. */
    private static final int MAX_THREADS = 64;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Half the idle timeout, so an open event stream is never idle. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private static final JettyListener.Limits LIMITS =
            new JettyListener.Limits("web view", "web", MAX_THREADS, HEADER_LIMIT, IDLE_TIMEOUT, log);

    private final JettyListener listener;
    private final EventStream events;
    private final WebHandler handler;

    private CaptureWeb(JettyListener listener, EventStream events, WebHandler handler) {
        this.listener = listener;
        this.events = events;
        this.handler = handler;
    }

    /**
     * Binds {@code listen} and starts serving {@code store}.
     *
     * @param chaos    the SMTP listener's faults, shown and set at {@code /api/v1/chaos}; {@code null} for none
     * @param releaser sends messages on when the user releases them
     * @throws IOException {@code cannot listen on HOST:PORT: address already in use} and the like
     */
    public static CaptureWeb start(InetSocketAddress listen, CaptureStore store, Chaos chaos, Releaser releaser)
            throws IOException {
        return start(listen, store, chaos, releaser, List.of());
    }

    /**
     * Binds {@code listen} and starts serving {@code store}, answering to further host names besides the listener's
     * own (localhost, the loopback addresses, the bound address, each with the bound port).
     *
     * @param listen     the address and port to bind (port 0: any free one)
     * @param store      the captured mail served
     * @param chaos      the SMTP listener's faults, shown and set at {@code /api/v1/chaos}; {@code null} for none
     * @param releaser   sends messages on when the user releases them
     * @param extraHosts further Host header values to answer: {@code NAME} with any port (a port forward or a
     *                   proxy in front), {@code NAME:PORT} with that port only
     * @throws IOException              {@code cannot listen on HOST:PORT: address already in use} and the like
     * @throws IllegalArgumentException an extra host that is not {@code NAME} or {@code NAME:PORT}
     */
    public static CaptureWeb start(InetSocketAddress listen, CaptureStore store, Chaos chaos, Releaser releaser,
                                   List<String> extraHosts) throws IOException {
        Objects.requireNonNull(store, "store");
        HostNames.of(Set.of(), extraHosts); // refused before anything is bound
        Objects.requireNonNull(releaser, "releaser");
        EventStream events = new EventStream(store, HEARTBEAT);
        Assets assets = Assets.load();
        WebHandler handler = new WebHandler(assets, routes(assets, store, chaos, releaser, events), events);
        JettyListener listener = JettyListener.start(listen, LIMITS, handler);
        InetSocketAddress bound = listener.address();
        handler.hosts(HostNames.of(hosts(bound), extraHosts));
        log.info("web view on http://{}/{}", AddressLiteral.format(bound),
                extraHosts.isEmpty() ? "" : ", also as " + LogText.escape(String.join(", ", extraHosts)));
        if (!listen.getAddress().isLoopbackAddress()) {
            log.warn("web view on {} is not on loopback: anyone who can reach it can read and delete the captured"
                    + " mail and release it anywhere; keep it on loopback or a private network",
                    AddressLiteral.format(bound));
        }
        return new CaptureWeb(listener, events, handler);
    }

    private static List<Route> routes(Assets assets, CaptureStore store, Chaos chaos, Releaser releaser,
                                      EventStream events) {
        List<Route> routes = new ArrayList<>(new MessagesApi(store).routes());
        routes.addAll(new ReleaseApi(store, releaser).routes());
        if (chaos != null) {
            routes.addAll(new ChaosApi(chaos).routes());
        }
        // Guarded though a GET: the stream tells of every message that arrives
        routes.add(new Route("GET", "/api/v1/events", Set.of(), true, request -> events.full()
                ? WebAnswer.error(503, "too many event streams") : new WebAnswer.Events()));
        routes.add(new Route("GET", "/api/v1/openapi.json", request -> assets.openApi()));
        return routes;
    }

    /**
     * The Host header values that name this listener: localhost and the loopback addresses, and the bound address,
     * each with the port (without it too on port 80, where browsers leave it out). Any other name could be one that
     * an attacker's DNS made point here (DNS rebinding), so it is refused.
     */
    static Set<String> hosts(InetSocketAddress bound) {
        int port = bound.getPort();
        Set<String> names = new HashSet<>(List.of("localhost", "127.0.0.1", "[::1]"));
        names.add(literal(bound.getAddress()));
        if (bound.getAddress().isAnyLocalAddress()) {
            names.addAll(interfaceAddresses()); // the wildcard: reached by any of the machine's addresses
        }
        Set<String> hosts = new HashSet<>();
        for (String name : names) {
            hosts.add(name + ":" + port);
            if (port == 80) {
                hosts.add(name);
            }
        }
        return hosts;
    }

    /** An address as it appears in a Host header (RFC 9110 7.2, RFC 3986 3.2.2): IPv6 in brackets, lower case. */
    private static String literal(InetAddress address) {
        String text = AddressLiteral.format(address).toLowerCase(Locale.ROOT);
        return address instanceof Inet6Address ? "[" + text + "]" : text;
    }

    private static List<String> interfaceAddresses() {
        try {
            return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> !(a instanceof Inet6Address v6) || v6.getScopeId() == 0).map(CaptureWeb::literal)
                    .toList();
        } catch (SocketException e) {
            log.warn("web view: cannot list the network interfaces: only loopback names pass the Host check", e);
            return List.of();
        }
    }

    /** The bound address (the real port when port 0 was asked for). */
    public InetSocketAddress address() {
        return listener.address();
    }

    /** The routes served, for the OpenAPI document's test. */
    List<Route> routes() {
        return handler.routes();
    }

    @Override
    public void close() {
        if (listener.isStopped()) {
            return;
        }
        events.close();
        listener.stop();
        log.info("web view on {} stopped", AddressLiteral.format(listener.address()));
    }
}
