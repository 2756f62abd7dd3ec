package dev.posthorn.mta.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.posthorn.mta.admin.ApiRequest;
import dev.posthorn.mta.admin.ApiResponse;
import dev.posthorn.mta.admin.ApiRoutes;
import dev.posthorn.mta.daemon.Daemon;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon's {@code /api/v1} routes over HTTP with the bearer token, for the command-line tests while the admin
 * listener ({@code AdminServer}) is built on another branch. Once it is merged, {@link #address} gives way to
 * {@code daemon.adminAddress()} and this class goes.
 */
final class AdminBridge implements AutoCloseable {

    private final HttpServer server;

    private AdminBridge(HttpServer server) {
        this.server = server;
    }

    /** Serves {@code daemon}'s API on a free loopback port; the token is read from (or written to) {@code token}. */
    static AdminBridge start(Daemon daemon, Path token) throws IOException {
        if (!Files.exists(token)) {
            Files.writeString(token, "test-token-" + System.nanoTime() + "\n");
        }
        String expected = "Bearer " + Files.readString(token).strip();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/api/v1/", exchange -> {
            try (exchange) {
                if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    send(exchange, ApiResponse.error(401, "unauthorized"));
                    return;
                }
                send(exchange, answer(daemon, exchange));
            }
        });
        server.start();
        return new AdminBridge(server);
    }

    private static ApiResponse answer(Daemon daemon, HttpExchange exchange) throws IOException {
        String rawPath = exchange.getRequestURI().getRawPath().substring("/api/v1/".length());
        List<String> path = new ArrayList<>();
        for (String segment : rawPath.split("/")) {
            path.add(URLDecoder.decode(segment, StandardCharsets.UTF_8));
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                query.computeIfAbsent(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        k -> new ArrayList<>()).add(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1),
                        StandardCharsets.UTF_8));
            }
        }
        ApiRequest request = new ApiRequest(exchange.getRequestMethod(), path, query,
                exchange.getRequestBody().readNBytes(ApiRequest.MAX_BODY));
        for (ApiRoutes routes : daemon.apiRoutes()) {
            Optional<ApiResponse> response = routes.handle(request);
            if (response.isPresent()) {
                return response.get();
            }
        }
        return ApiResponse.error(404, "no such path");
    }

    private static void send(HttpExchange exchange, ApiResponse response) throws IOException {
        byte[] body = response.bytes();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
