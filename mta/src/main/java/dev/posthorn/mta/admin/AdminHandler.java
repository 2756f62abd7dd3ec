package dev.posthorn.mta.admin;

import dev.posthorn.mta.http.RequestBody;
import dev.posthorn.smtp.LogText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener's routes: {@code /metrics} (open to loopback clients, the token for others), {@code /healthz},
 * {@code /readyz}, and {@code /api/v1/...} (token always), which hands each request to the {@link ApiRoutes} in
 * turn. Every answer but the metrics and the liveness {@code ok} is a JSON document; no answer carries a stack trace
 * or says why a token was refused.
 */
final class AdminHandler extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    /** The Prometheus text exposition format, version 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String API = "/api/v1";

    private final AdminToken token;
    private final PrometheusMeterRegistry metrics;
    private final Readiness readiness;
    private final List<ApiRoutes> routes;

    AdminHandler(AdminToken token, PrometheusMeterRegistry metrics, Readiness readiness, List<ApiRoutes> routes) {
        this.token = token;
        this.metrics = metrics;
        this.readiness = readiness;
        this.routes = List.copyOf(routes);
    }

    /** One answer: status, content type, body, and whether it asks for the bearer token. */
    private record Answer(int status, String type, byte[] body, boolean challenge) {
        static Answer json(int status, String json) {
            return new Answer(status, JSON, json.getBytes(StandardCharsets.UTF_8), false);
        }

        static Answer of(ApiResponse response) {
            return json(response.status(), response.json());
        }
    }

    private static final Answer UNAUTHORIZED = new Answer(401, JSON,
            ApiResponse.error(401, "unauthorized").bytes(), true);
    private static final Answer TOO_LARGE = Answer.of(ApiResponse.error(413,
            "request body over " + ApiRequest.MAX_BODY + " octets"));
    private static final Answer NOT_FOUND = Answer.of(ApiResponse.error(404, "no such resource"));
    private static final Answer INTERNAL = Answer.of(ApiResponse.error(500, "internal error (see the daemon's log)"));

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        Answer answer;
        try {
            answer = answer(request, path);
        } catch (Exception e) {
            log.error("admin: {} {} failed", request.getMethod(), LogText.escape(path), e);
            answer = INTERNAL;
        }
        log.debug("admin: {} {} {} from {}", request.getMethod(), LogText.escape(path), answer.status(),
                remote(request));
        send(response, callback, answer);
        return true;
    }

    private Answer answer(Request request, String path) throws IOException {
        String method = request.getMethod();
        boolean read = method.equals("GET") || method.equals("HEAD");
        return switch (path) {
            case "/healthz" -> read ? new Answer(200, "text/plain; charset=utf-8",
                    "ok\n".getBytes(StandardCharsets.US_ASCII), false) : notAllowed();
            case "/readyz" -> read ? ready() : notAllowed();
            case "/metrics" -> !read ? notAllowed()
                    : !loopback(request) && !authorized(request) ? UNAUTHORIZED
                    : new Answer(200, PROMETHEUS_TEXT, metrics.scrape().getBytes(StandardCharsets.UTF_8), false);
            default -> path.equals(API) || path.startsWith(API + "/") ? api(request, path) : NOT_FOUND;
        };
    }

    private static Answer notAllowed() {
        return Answer.of(ApiResponse.error(405, "method not allowed"));
    }

    private Answer ready() {
        List<Readiness.Failure> failures = readiness.failures();
        return Answer.json(failures.isEmpty() ? 200 : 503, Json.object(json -> {
            json.writeBooleanField("ready", failures.isEmpty());
            if (!failures.isEmpty()) {
                json.writeArrayFieldStart("failed");
                for (Readiness.Failure failure : failures) {
                    json.writeStartObject();
                    json.writeStringField("check", failure.check());
                    json.writeStringField("reason", failure.reason());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
        }));
    }

    private Answer api(Request request, String path) throws IOException {
        if (!authorized(request)) {
            log.info("admin: {} {} from {}: no valid token", request.getMethod(), LogText.escape(path),
                    remote(request));
            return UNAUTHORIZED;
        }
        Optional<byte[]> read = RequestBody.read(request, ApiRequest.MAX_BODY);
        if (read.isEmpty()) {
            return TOO_LARGE;
        }
        byte[] body = read.get();
        Map<String, List<String>> query;
        try {
            query = query(request);
        } catch (IllegalArgumentException e) {
            return Answer.of(ApiResponse.error(400, "malformed query"));
        }
        ApiRequest api = new ApiRequest(request.getMethod(), segments(path), query, body);
        for (ApiRoutes part : routes) {
            Optional<ApiResponse> response = part.handle(api);
            if (response.isPresent()) {
                return Answer.of(response.get());
            }
        }
        return NOT_FOUND;
    }

    /** The path's segments after {@code /api/v1}, each decoded on its own (so none holds a slash), empty ones gone. */
    private static List<String> segments(String path) {
        return Arrays.stream(path.substring(API.length()).split("/")).filter(s -> !s.isEmpty())
                .map(URIUtil::decodePath).toList();
    }

    private static Map<String, List<String>> query(Request request) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        for (Fields.Field field : fields) {
            query.computeIfAbsent(field.getName(), name -> new ArrayList<>()).addAll(field.getValues());
        }
        return query;
    }

    private boolean authorized(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        // RFC 6750 2.1: "Bearer" and one space, then the token; the scheme name is case-insensitive (RFC 9110 11.1).
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                && token.matches(header.substring(7).strip());
    }

    /**
     * A local client, for metrics without the token: only the TCP peer counts (no Forwarded or X-Forwarded-For
     * header is believed), and the Host it asked for must be a loopback name or address, so that a web page whose
     * name was made to resolve to 127.0.0.1 (DNS rebinding) cannot read the metrics through a local browser.
     */
    private static boolean loopback(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress() && loopbackHost(Request.getServerName(request));
    }

    private static boolean loopbackHost(String host) {
        String name = host == null ? "" : host.toLowerCase(java.util.Locale.ROOT);
        return name.equals("localhost") || name.startsWith("127.") && name.matches("[0-9.]+")
                || name.equals("[::1]") || name.equals("::1");
    }

    private static String remote(Request request) {
        return String.valueOf(request.getConnectionMetaData().getRemoteSocketAddress());
    }

    private static void send(Response response, Callback callback, Answer answer) {
        response.setStatus(answer.status());
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, answer.type());
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        if (answer.challenge()) {
            headers.put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"posthorn\"");
        }
        if (answer == TOO_LARGE) {
            headers.put(HttpHeader.CONNECTION, "close"); // the unread rest of the body is not waited for
        }
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }
}
