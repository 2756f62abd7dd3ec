package dev.posthorn.mta.capture.web;

import dev.posthorn.mta.http.RequestBody;
import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
 * then the Origin check on every request (against cross-site requests: only the page's own origin, or none for
 * non-browser clients such as curl), the Fetch Metadata check ({@code Sec-Fetch-Site: cross-site} refused; a
 * {@link Route#guarded() guarded} route only from the page itself), then the page's assets and the API's
 * {@link Route routes} (a path with an empty segment matches none), each with its own query parameters and a JSON
 * body only. Every answer carries {@code nosniff}, {@code no-referrer} and
 * {@code no-store}; no answer carries a stack trace.
 */
final class WebHandler extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(WebHandler.class);
    /** The page: its own scripts, styles and frames only; images also inline; never framed by another site. */
    static final String PAGE_CSP = "default-src 'self'; frame-src 'self'; img-src 'self' data:; object-src 'none';"
            + " base-uri 'none'; frame-ancestors 'none'";
    /** API documents are data, never a page. */
    private static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";
    private static final String SEC_FETCH_SITE = "Sec-Fetch-Site";
    private static final java.util.regex.Pattern ATTACHMENT =
            java.util.regex.Pattern.compile("/api/v1/messages/[^/]+/attachments/[^/]+");
    /** An unknown parameter's name is echoed (JSON-escaped) up to this length. */
    private static final int MAX_NAME_SHOWN = 40;

    /** None until the listener is bound: no request passes the Host check before. */
    private volatile HostNames hosts = new HostNames(Set.of(), Set.of());
    private final Assets assets;
    private final List<Route> routes;
    private final EventStream events;

    WebHandler(Assets assets, List<Route> routes, EventStream events) {
        this.assets = assets;
        this.routes = List.copyOf(routes);
        this.events = events;
    }

    /** Sets the Host header values that name this listener. */
    void hosts(HostNames names) {
        hosts = names;
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
        HttpFields fields = request.getHeaders();
        String host = fields.get(HttpHeader.HOST);
        if (host == null || !hosts.allows(host)) {
            log.info("web: {} {} refused: Host {} does not name this listener", method, LogText.escape(path),
                    LogText.escape(String.valueOf(host)));
            return WebAnswer.error(403, "the Host header does not name this server");
        }
        String origin = fields.get(HttpHeader.ORIGIN);
        boolean read = method.equals("GET") || method.equals("HEAD");
        boolean image = read && embeddedImage(fields, path);
        // The sandboxed frame's origin is opaque: its image requests say "Origin: null"
        if (origin != null && !origin.equalsIgnoreCase("http://" + host) && !(image && origin.equals("null"))) {
            log.info("web: {} {} refused: Origin {} is not this page's", method, LogText.escape(path),
                    LogText.escape(origin));
            return WebAnswer.error(403, "cross-origin request refused");
        }
        Optional<WebAnswer> asset = assets.get(path);
        if (crossSite(fields) && !(image || read && asset.isPresent() && navigation(fields))) {
            log.info("web: {} {} refused: a cross-site request", method, LogText.escape(path));
            return WebAnswer.error(403, "cross-site request refused");
        }
        if (asset.isPresent()) {
            return read ? asset.get() : WebAnswer.error(405, "method not allowed");
        }
        return api(request, method, path);
    }

    /**
     * Fetch Metadata (W3C): the browser says the request comes from another site. Only a top-level navigation to
     * the page itself passes (a link to it from elsewhere); the page holds no mail, and its API calls are same-origin.
     */
    private static boolean crossSite(HttpFields fields) {
        return "cross-site".equalsIgnoreCase(fields.get(SEC_FETCH_SITE));
    }

    /**
     * An image of a message's HTML part: that part is shown in a sandboxed frame, whose origin is opaque, so the
     * browser calls its {@code cid:} images (rewritten to their attachment's address) cross-site. Another site could
     * embed such an image too, but not read it, and only knowing the message's random id.
     */
    private static boolean embeddedImage(HttpFields fields, String path) {
        return "image".equalsIgnoreCase(fields.get("Sec-Fetch-Dest"))
                && "no-cors".equalsIgnoreCase(fields.get("Sec-Fetch-Mode"))
                && ATTACHMENT.matcher(path).matches();
    }

    private static boolean navigation(HttpFields fields) {
        return "navigate".equalsIgnoreCase(fields.get("Sec-Fetch-Mode"))
                && "document".equalsIgnoreCase(fields.get("Sec-Fetch-Dest"));
    }

    /** A guarded route is for the page's own script: a browser must say same-origin, or none (typed by the user). */
    private static boolean fromThePage(HttpFields fields) {
        String site = fields.get(SEC_FETCH_SITE);
        return site == null || site.equalsIgnoreCase("same-origin") || site.equalsIgnoreCase("none");
    }

    private WebAnswer api(Request request, String method, String path) throws IOException {
        // Split keeping empty segments: "/api/v1/events/" must not pass for "/api/v1/events" (nor skip its checks)
        List<String> segments = Arrays.stream(path.substring(1).split("/", -1)).map(URIUtil::decodePath).toList();
        if (segments.contains("")) {
            return WebAnswer.error(404, "no such resource");
        }
        boolean pathKnown = false;
        for (Route route : routes) {
            Optional<List<String>> parameters = route.match(segments);
            if (parameters.isEmpty()) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(method)) {
                return call(request, route, parameters.get());
            }
        }
        return pathKnown ? WebAnswer.error(405, "method not allowed") : WebAnswer.error(404, "no such resource");
    }

    private static WebAnswer call(Request request, Route route, List<String> parameters) throws IOException {
        HttpFields fields = request.getHeaders();
        if (route.guarded() && !fromThePage(fields)) {
            log.info("web: {} {} refused: Sec-Fetch-Site {}", route.method(), route.template(),
                    LogText.escape(fields.get(SEC_FETCH_SITE)));
            return WebAnswer.error(403, "only the page itself may call this");
        }
        Optional<byte[]> body = body(request);
        if (body.isEmpty()) {
            return WebAnswer.error(413, "request body over " + WebRequest.MAX_BODY + " octets");
        }
        if (body.get().length > 0 && Set.of("POST", "PUT").contains(route.method()) && !json(fields)) {
            return WebAnswer.error(415, "the body must be Content-Type: application/json");
        }
        Map<String, List<String>> query;
        try {
            query = query(request);
        } catch (IllegalArgumentException e) {
            return WebAnswer.error(400, "malformed query");
        }
        Optional<String> wrong = wrongParameter(route, query);
        if (wrong.isPresent()) {
            return WebAnswer.error(400, wrong.get());
        }
        return route.action().answer(new WebRequest(route.method(), parameters, query, body.get()));
    }

    /**
     * A form or text/plain body is what a cross-site form can send without a preflight (Fetch, CORS-safelisted
     * request-header): only JSON is taken, so such a request never reaches a route.
     */
    private static boolean json(HttpFields fields) {
        String type = fields.get(HttpHeader.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).strip().equalsIgnoreCase("application/json");
    }

    /** Why the query does not fit the route: a name it does not take, or a name without a value. */
    private static Optional<String> wrongParameter(Route route, Map<String, List<String>> query) {
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            String name = parameter.getKey();
            String shown = name.length() > MAX_NAME_SHOWN ? name.substring(0, MAX_NAME_SHOWN) + "…" : name;
            if (!route.query().contains(name)) {
                return Optional.of("unknown query parameter: " + shown
                        + (route.query().isEmpty() ? " (none taken)" : " (taken: " + taken(route) + ")"));
            }
            if (parameter.getValue().stream().anyMatch(String::isEmpty)) {
                return Optional.of(shown + ": a value is needed");
            }
        }
        return Optional.empty();
    }

    private static String taken(Route route) {
        return String.join(", ", new TreeSet<>(route.query()));
    }

    private static Optional<byte[]> body(Request request) throws IOException {
        return RequestBody.read(request, WebRequest.MAX_BODY);
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
