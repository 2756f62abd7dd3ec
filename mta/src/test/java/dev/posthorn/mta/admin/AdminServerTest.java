package dev.posthorn.mta.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin listener over real sockets: token, limits, routes, metrics, health. */
class AdminServerTest {

    @TempDir
    Path dir;

    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AdminServer> started = new ArrayList<>();
    private final List<Readiness.Failure> failing = new ArrayList<>();
    private AdminServer server;
    private String token;

    /** Echoes what it was given; {@code boom} throws. */
    private static final ApiRoutes ECHO = request -> {
        if (request.path().equals(List.of("boom"))) {
            throw new IllegalStateException("secret detail at dev.posthorn.Secret");
        }
        if (!request.path().isEmpty() && request.path().getFirst().equals("echo")) {
            return Optional.of(ApiResponse.ok(Json.object(json -> {
                json.writeStringField("method", request.method());
                json.writeStringField("path", String.join("|", request.path()));
                json.writeStringField("state", request.parameter("state").orElse(""));
                json.writeNumberField("octets", request.body().length);
            })));
        }
        return Optional.empty();
    };

    @BeforeEach
    void start() throws IOException {
        server = start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        token = Files.readString(dir.resolve("admin.token")).strip();
    }

    private AdminServer start(InetSocketAddress listen) throws IOException {
        AdminServer started = AdminServer.start(listen, AdminToken.loadOrCreate(dir.resolve("admin.token")),
                metrics, () -> List.copyOf(failing), List.of(request -> Optional.empty(), ECHO));
        this.started.add(started);
        return started;
    }

    @AfterEach
    void stop() {
        started.forEach(AdminServer::close);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }

    private HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, HttpRequest.BodyPublisher body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token).POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theTokenFileIsMadeWithMode600AndReusedOnTheNextStart() throws Exception {
        Path file = dir.resolve("admin.token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        server.close();
        started.remove(server);
        server = start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        assertThat(Files.readString(file).strip()).isEqualTo(token);
        assertThat(get("/api/v1/echo", token).statusCode()).isEqualTo(200);
    }

    @Test
    void anEmptyTokenFileRefusesTheStart() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.token"), "\n");
        assertThatThrownBy(() -> AdminToken.loadOrCreate(empty)).isInstanceOf(IOException.class)
                .hasMessage("admin token " + empty + ": the file is empty (remove it to have one made)");
        Path named = Files.writeString(dir.resolve("mine.token"), "operator-chosen-token\n");
        AdminToken mine = AdminToken.loadOrCreate(named);
        assertThat(mine.matches("operator-chosen-token")).isTrue();
        assertThat(mine.matches("operator-chosen-toke")).isFalse();
        assertThat(Files.readString(named)).isEqualTo("operator-chosen-token\n"); // read, never written
    }

    /** The path comes from whoever can reach the port, token or not: it reaches the log line escaped. */
    @Test
    void aPathWithControlsAndBidiIsLoggedEscaped() throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                AdminHandler.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            assertThat(get("/api/v1/x%E2%80%AEy%C2%85z%E2%80%A8w", null).statusCode()).isEqualTo(401);
        } finally {
            log.detachAppender(appender);
        }
        assertThat(appender.list).singleElement().extracting(e -> e.getFormattedMessage()).asString()
                .contains("GET /api/v1/x\\u202ey\\x85z\\u2028w from ").doesNotContain("\u202e", "\u0085", "\u2028");
    }

    @Test
    void theApiWithoutOrWithAWrongTokenIs401AndSaysNothingMore() throws Exception {
        for (String bearer : new String[] {null, "wrong", token + "x", token.substring(1)}) {
            HttpResponse<String> response = get("/api/v1/echo", bearer);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"posthorn\"");
            assertThat(response.body()).isEqualTo("{\"error\":\"unauthorized\"}");
        }
        HttpResponse<String> basic = http.send(HttpRequest.newBuilder(uri("/api/v1/echo"))
                .header("Authorization", "Basic " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(basic.statusCode()).isEqualTo(401);
        // Unknown API paths are not told apart from known ones without the token.
        assertThat(get("/api/v1/nothing-here", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aRequestWithTheTokenReachesTheRoutesWithPathQueryAndBody() throws Exception {
        HttpResponse<String> response = post("/api/v1/echo/a%20b/c?state=held&x=1",
                HttpRequest.BodyPublishers.ofString("{\"k\":1}"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).isEqualTo("{\"method\":\"POST\",\"path\":\"echo|a b|c\",\"state\":\"held\","
                + "\"octets\":7}");
    }

    @Test
    void aBodyOverOneMebibyteIs413WhetherDeclaredOrChunked() throws Exception {
        byte[] big = new byte[ApiRequest.MAX_BODY + 1];
        // Declared too large: refused before the body is read. The client waits for that answer (Expect:
        // 100-continue, as curl sends for large bodies) instead of writing a mebibyte into a connection the server
        // closes, where the reset could swallow the answer.
        HttpResponse<String> declared = http.send(HttpRequest.newBuilder(uri("/api/v1/echo"))
                .timeout(Duration.ofSeconds(20)).expectContinue(true).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(declared.statusCode()).isEqualTo(413);
        // No Content-Length: the client sends it chunked, and the server counts as it reads.
        HttpResponse<String> chunked = post("/api/v1/echo",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.body()).contains("request body over 1048576 octets");
        byte[] fits = new byte[ApiRequest.MAX_BODY];
        HttpResponse<String> ok = post("/api/v1/echo",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(fits)));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"octets\":1048576");
    }

    @Test
    void aPathNoRouteKnowsIs404AndAFailingRouteIs500WithoutDetail() throws Exception {
        HttpResponse<String> unknown = get("/api/v1/nothing-here", token);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"error\":\"no such resource\"}");
        assertThat(get("/elsewhere", null).statusCode()).isEqualTo(404);
        HttpResponse<String> failed = get("/api/v1/boom", token);
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).isEqualTo("{\"error\":\"internal error (see the daemon's log)\"}")
                .doesNotContain("Secret");
    }

    @Test
    void metricsAreOpenToLoopbackInThePrometheusTextFormat() throws Exception {
        Counter.builder("posthorn.test.things").register(metrics).increment(3);
        HttpResponse<String> response = get("/metrics", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("# TYPE posthorn_test_things_total counter\n")
                .contains("posthorn_test_things_total 3.0\n");
    }

    @Test
    void metricsAskedForUnderAnotherHostNameNeedTheTokenEvenFromLoopback() throws Exception {
        // A browser led to 127.0.0.1 by a rebound name still sends that name as the Host.
        assertThat(rawGet("/metrics", "attacker.example")).startsWith("HTTP/1.1 401 ");
        assertThat(rawGet("/metrics", "localhost:" + server.address().getPort())).startsWith("HTTP/1.1 200 ");
        assertThat(rawGet("/metrics", "127.0.0.1:" + server.address().getPort())).startsWith("HTTP/1.1 200 ");
    }

    /** The status line of a GET with the given Host header (HttpClient may not set Host itself). */
    private String rawGet(String path, String host) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(server.address().getAddress(), server.address().getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void metricsFromAnotherAddressNeedTheToken() throws Exception {
        InetAddress own = nonLoopbackAddress();
        assumeTrue(own != null, "no non-loopback IPv4 address on this machine");
        AdminServer outside = start(new InetSocketAddress(own, 0));
        URI metricsUri = URI.create("http://" + own.getHostAddress() + ":" + outside.address().getPort() + "/metrics");
        assertThat(http.send(HttpRequest.newBuilder(metricsUri).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(metricsUri).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        return NetworkInterface.networkInterfaces().filter(n -> {
            try {
                return n.isUp() && !n.isLoopback();
            } catch (IOException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).findFirst().orElse(null);
    }

    @Test
    void healthzIsOkAndReadyzNamesTheFailingChecks() throws Exception {
        HttpResponse<String> health = get("/healthz", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        assertThat(get("/readyz", null).body()).isEqualTo("{\"ready\":true}");
        failing.add(new Readiness.Failure("disk", "free space 10 octets is below limits.min_free_disk 20"));
        HttpResponse<String> ready = get("/readyz", null);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("{\"ready\":false,\"failed\":[{\"check\":\"disk\","
                + "\"reason\":\"free space 10 octets is below limits.min_free_disk 20\"}]}");
    }

    @Test
    void oversizedHeadersAreRefusedByTheServer() throws Exception {
        HttpResponse<String> response = get("/api/v1/echo?" + "x".repeat(10_000), token);
        assertThat(response.statusCode()).isIn(414, 431);
        assertThat(response.body()).doesNotContain("at org.eclipse");
    }

    @Test
    void aTakenPortStopsTheStartWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
            assertThatThrownBy(() -> start(address)).isInstanceOf(IOException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
        }
    }
}
