package dev.posthorn.mta.capture.web;

import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request to the web view: first the Host check (against DNS rebinding: only the names of this listener),
 * then, for state-changing methods and the event stream, the Origin check (against cross-site requests: only the
 * page's own origin, or none for non-browser clients), then the page's assets, the OpenAPI document, the event
 * stream and the API's {@link Route routes}. Every answer carries {@code nosniff}, {@code no-referrer} and
 * {@code no-store}; no answer carries a stack trace.
 */
final class WebHandler extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(WebHandler.class);
    /** The page: its own scripts, styles and frames only; images also inline; never framed by another site. */
    static final String PAGE_CSP = "default-src 'self'; frame-src 'self'; img-src 'self' data:; object-src 'none';"
            + " base-uri 'none'; frame-ancestors 'none'";
    /** API documents are data, never a page. */
    private static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";
    private static final String EVENTS = "/api/v1/events";

    /** Empty until the listener is bound: no request passes the Host check before. */
    private volatile Set<String> hosts = Set.of();
    private final Assets assets;
    private final List<Route> routes;
    private final EventStream events;

    WebHandler(Assets assets, List<Route> routes, EventStream events) {
        this.assets = assets;
        this.routes = List.copyOf(routes);
        this.events = events;
    }

    /** Sets the Host header values that name this listener, lower case (host and port). */
    void hosts(Set<String> names) {
        hosts = Set.copyOf(names);
    }

    /** The routes the handler dispatches (for the OpenAPI check). */
    List<Route> routes() {
        return routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        WebAnswer answer;
        try {
            answer = answer(request, method, path);
        } catch (Exception e) {
            log.error("web: {} {} failed", method, LogText.escape(path), e);
            answer = WebAnswer.error(500, "internal error (see the log)");
        }
        headers(response, path);
        switch (answer) {
            case WebAnswer.Bytes bytes -> send(response, callback, bytes);
            case WebAnswer.Streamed streamed -> stream(response, callback, streamed);
            case WebAnswer.Events ignored -> events(response, callback);
        }
        return true;
    }

    private WebAnswer answer(Request request, String method, String path) throws IOException {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
            log.info("web: {} {} refused: Host {} does not name this listener", method, LogText.escape(path),
                    LogText.escape(String.valueOf(host)));
            return WebAnswer.error(403, "the Host header does not name this server");
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        if ((!read || path.equals(EVENTS)) && !sameOrigin(request.getHeaders().get(HttpHeader.ORIGIN), host)) {
            log.info("web: {} {} refused: Origin {} is not this page's", method, LogText.escape(path),
                    LogText.escape(request.getHeaders().get(HttpHeader.ORIGIN)));
            return WebAnswer.error(403, "cross-origin request refused");
        }
        Optional<WebAnswer> asset = assets.get(path);
        if (asset.isPresent()) {
            return read ? asset.get() : WebAnswer.error(405, "method not allowed");
        }
        return api(request, method, path);
    }

    /** RFC 6454 7: a browser names the page's origin; none at all is a client such as curl, which CSRF cannot use. */
    private static boolean sameOrigin(String origin, String host) {
        return origin == null || origin.equalsIgnoreCase("http://" + host);
    }

    private WebAnswer api(Request request, String method, String path) throws IOException {
        List<String> segments = Arrays.stream(path.substring(1).split("/")).map(URIUtil::decodePath).toList();
        boolean pathKnown = false;
        for (Route route : routes) {
            Optional<List<String>> parameters = route.match(segments);
            if (parameters.isEmpty()) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(method)) {
                Optional<byte[]> body = body(request);
                if (body.isEmpty()) {
                    return WebAnswer.error(413, "request body over " + WebRequest.MAX_BODY + " octets");
                }
                Map<String, List<String>> query;
                try {
                    query = query(request);
                } catch (IllegalArgumentException e) {
                    return WebAnswer.error(400, "malformed query");
                }
                return route.action().answer(new WebRequest(method, parameters.get(), query, body.get()));
            }
        }
        return pathKnown ? WebAnswer.error(405, "method not allowed") : WebAnswer.error(404, "no such resource");
    }

    /** The body, read up to the limit (a declared length over it is refused unread); empty when over. */
    private static Optional<byte[]> body(Request request) throws IOException {
        if (request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) > WebRequest.MAX_BODY) {
            return Optional.empty();
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(WebRequest.MAX_BODY + 1);
        }
        return body.length > WebRequest.MAX_BODY ? Optional.empty() : Optional.of(body);
    }

    private static Map<String, List<String>> query(Request request) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (Fields.Field field : Request.extractQueryParameters(request, StandardCharsets.UTF_8)) {
            query.computeIfAbsent(field.getName(), name -> new ArrayList<>()).addAll(field.getValues());
        }
        return query;
    }

    private static void headers(Response response, String path) {
        HttpFields.Mutable headers = response.getHeaders();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put("Content-Security-Policy", path.startsWith("/api/") ? API_CSP : PAGE_CSP);
    }

    private static void send(Response response, Callback callback, WebAnswer.Bytes answer) {
        response.setStatus(answer.status());
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, answer.type());
        answer.headers().forEach(headers::put);
        headers.put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        if (answer.status() == 413) {
            headers.put(HttpHeader.CONNECTION, "close"); // the unread rest of the body is not waited for
        }
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }

    private static void stream(Response response, Callback callback, WebAnswer.Streamed answer) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.type());
        answer.headers().forEach(response.getHeaders()::put);
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            answer.writer().write(out);
        } catch (IOException | RuntimeException e) {
            log.info("web: a streamed answer was cut: {}", LogText.escape(String.valueOf(e.getMessage())));
            callback.failed(e);
            return;
        }
        callback.succeeded();
    }

    private void events(Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            events.serve(out);
        } catch (IOException e) {
            callback.failed(e); // the client went away: nothing to say to it
            return;
        }
        callback.succeeded();
    }
}
