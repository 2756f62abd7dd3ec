package dev.posthorn.mta.capture.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.capture.CaptureQuery;
import dev.posthorn.mta.capture.CapturedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Host, Origin and Fetch Metadata checks, the page's headers, the event stream, safe download names. */
class CaptureWebSecurityTest {

    private static final String EVIL = "http://evil.example";

    @RegisterExtension
    final WebRig rig = new WebRig();

    @Test
    void aHostThatDoesNotNameTheListenerGets403() throws Exception {
        int port = rig.web.address().getPort();
        assertThat(rig.raw("evil.example:" + port, "/api/v1/messages")).startsWith("HTTP/1.1 403 ");
        assertThat(rig.raw("evil.example", "/")).startsWith("HTTP/1.1 403 ");
        assertThat(rig.raw("127.0.0.1:" + (port + 1), "/")).startsWith("HTTP/1.1 403 ");
        assertThat(rig.raw("localhost:" + port, "/api/v1/messages")).startsWith("HTTP/1.1 200 ");
        assertThat(rig.raw("LOCALHOST:" + port, "/")).startsWith("HTTP/1.1 200 ");
        assertThat(rig.raw("[::1]:" + port, "/")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void theHostNamesAreTheListenersOwn() throws Exception {
        assertThat(CaptureWeb.hosts(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8025)))
                .containsExactlyInAnyOrder("localhost:8025", "127.0.0.1:8025", "[::1]:8025");
        assertThat(CaptureWeb.hosts(new InetSocketAddress(InetAddress.getByName("::1"), 80)))
                .containsExactlyInAnyOrder("localhost:80", "127.0.0.1:80", "[::1]:80", "localhost", "127.0.0.1",
                        "[::1]");
        assertThat(CaptureWeb.hosts(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 8025)))
                .contains("192.0.2.7:8025").doesNotContain("0.0.0.0:8025");
        assertThat(CaptureWeb.hosts(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 8025)))
                .contains("127.0.0.1:8025", "0.0.0.0:8025").hasSizeGreaterThan(3);
    }

    @Test
    void aForeignOriginChangesNothing() throws Exception {
        CapturedMessage sent = rig.sendText("s@client.test", "r@dev.test", "Keep me", "x");
        String id = sent.id();
        assertThat(rig.send("DELETE", "/api/v1/messages/" + id, null, EVIL).statusCode()).isEqualTo(403);
        assertThat(rig.send("DELETE", "/api/v1/messages", null, EVIL).statusCode()).isEqualTo(403);
        assertThat(rig.send("DELETE", "/api/v1/messages", null, "null").statusCode()).isEqualTo(403);
        assertThat(rig.send("POST", "/api/v1/messages/" + id + "/release",
                "{\"host\":\"127.0.0.1:" + rig.secondSmtp.port() + "\"}", EVIL).statusCode()).isEqualTo(403);
        assertThat(rig.send("PUT", "/api/v1/chaos", "{\"rules\":[\"connect:disconnect\"]}", EVIL).statusCode())
                .isEqualTo(403);
        String port = ":" + rig.web.address().getPort();
        assertThat(rig.send("DELETE", "/api/v1/messages/" + id, null, "https://127.0.0.1" + port).statusCode())
                .isEqualTo(403);
        assertThat(rig.store.get(id)).isPresent();
        assertThat(rig.second.list(CaptureQuery.ALL, 0, 1).total()).isZero();
        assertThat(rig.chaos.rules()).isEmpty();
        HttpResponse<String> events = rig.http.send(rig.request("/api/v1/events").header("Origin", EVIL).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(events.statusCode()).isEqualTo(403);
        assertThat(rig.send("DELETE", "/api/v1/messages/" + id, null, "http://localhost" + port).statusCode())
                .isEqualTo(403); // the page's origin is the Host it was loaded from: here 127.0.0.1
        assertThat(rig.send("DELETE", "/api/v1/messages/" + id, null, rig.origin()).statusCode()).isEqualTo(200);
        assertThat(rig.store.get(id)).isEmpty();
    }

    @Test
    void aTrailingSlashNeitherBypassesTheOriginCheckNorMatchesARoute() throws Exception {
        assertThat(status("/api/v1/events/", EVIL)).isEqualTo(403);
        assertThat(status("/api/v1/events/", null)).isEqualTo(404);
        assertThat(status("/api/v1/events", rig.origin())).isEqualTo(200);
        assertThat(rig.get("/api/v1/messages/").statusCode()).isEqualTo(404);
        assertThat(rig.send("DELETE", "/api/v1/messages/", null, null).statusCode()).isEqualTo(404);
        assertThat(rig.get("/api/v1//messages").statusCode()).isIn(400, 404);
        assertThat(rig.get("/index.html/").statusCode()).isEqualTo(404);
    }

    /** The status of a GET, not waiting for the body (an event stream has no end). */
    private int status(String path, String origin) throws Exception {
        HttpRequest.Builder request = rig.request(path);
        if (origin != null) {
            request.header("Origin", origin);
        }
        HttpResponse<InputStream> response = rig.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        response.body().close();
        return response.statusCode();
    }

    @Test
    void aForeignOriginIsRefusedOnReadsToo() throws Exception {
        rig.sendText("s@client.test", "r@dev.test", "Secret", "x");
        HttpResponse<String> list = rig.http.send(rig.request("/api/v1/messages").header("Origin", EVIL).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(403);
        assertThat(list.body()).doesNotContain("Secret");
        assertThat(rig.http.send(rig.request("/api/v1/messages").header("Origin", rig.origin()).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("Secret");
        assertThat(rig.get("/api/v1/messages").body()).contains("Secret"); // curl names no origin
    }

    @Test
    void aCrossSiteFetchIsRefused() throws Exception {
        CapturedMessage sent = rig.sendText("s@client.test", "r@dev.test", "Stay", "x");
        assertThat(fetch("GET", "/api/v1/messages", "cross-site").statusCode()).isEqualTo(403);
        assertThat(fetch("DELETE", "/api/v1/messages", "cross-site").statusCode()).isEqualTo(403);
        assertThat(fetch("DELETE", "/api/v1/messages", "same-site").statusCode()).isEqualTo(403);
        assertThat(rig.store.get(sent.id())).isPresent();
        assertThat(fetch("GET", "/api/v1/messages", "same-origin").statusCode()).isEqualTo(200);
        assertThat(fetch("GET", "/", "none").statusCode()).isEqualTo(200);
        assertThat(fetch("DELETE", "/api/v1/messages/" + sent.id(), "same-origin").statusCode()).isEqualTo(200);
        // a link to the page from another site opens it (it holds no mail); nothing else cross-site does
        assertThat(rig.http.send(rig.request("/").header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "navigate").header("Sec-Fetch-Dest", "document").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(fetch("GET", "/", "cross-site").statusCode()).isEqualTo(403);
        assertThat(rig.http.send(rig.request("/api/v1/messages").header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "navigate").header("Sec-Fetch-Dest", "document").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        // the sandboxed HTML view (an opaque origin) loads its cid: images cross-site: an attachment as an image
        // passes (this message has none: 404, not 403); nothing else does, as an image or not
        String other = rig.sendText("s@client.test", "r@dev.test", "Img", "x").id();
        assertThat(image("/api/v1/messages/" + other + "/attachments/0").statusCode()).isEqualTo(404);
        assertThat(image("/api/v1/messages/" + other + "/raw").statusCode()).isEqualTo(403);
        assertThat(fetch("GET", "/api/v1/messages/" + other + "/attachments/0", "cross-site").statusCode())
                .isEqualTo(403);
    }

    private HttpResponse<String> image(String path) throws Exception {
        return rig.http.send(rig.request(path).header("Sec-Fetch-Site", "cross-site").header("Sec-Fetch-Mode", "no-cors")
                .header("Sec-Fetch-Dest", "image").header("Origin", "null").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> fetch(String method, String path, String site) throws Exception {
        return rig.http.send(rig.request(path).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Sec-Fetch-Site", site).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyThatIsNotDeclaredJsonGets415AndChangesNothing() throws Exception {
        CapturedMessage sent = rig.sendText("s@client.test", "r@dev.test", "Typed", "x");
        String release = "{\"host\":\"127.0.0.1:" + rig.secondSmtp.port() + "\"}";
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")) {
            HttpResponse<String> answer = rig.http.send(rig.request("/api/v1/messages/" + sent.id() + "/release")
                    .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(release)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(415);
        }
        HttpResponse<String> chaos = rig.http.send(rig.request("/api/v1/chaos").header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"rules\":[\"connect:disconnect\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chaos.statusCode()).isEqualTo(415);
        assertThat(rig.chaos.rules()).isEmpty();
        assertThat(rig.second.list(CaptureQuery.ALL, 0, 1).total()).isZero();
        HttpResponse<String> json = rig.http.send(rig.request("/api/v1/messages/" + sent.id() + "/release")
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(release)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(200);
    }

    @Test
    void extraHostNamesPassTheHostCheck() throws Exception {
        try (CaptureWeb web = CaptureWeb.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                rig.store, null, (file, from, to, host) -> {
                    throw new java.io.IOException("not here");
                }, List.of("Mail.Test", "forward.test:18025"))) {
            int port = web.address().getPort();
            assertThat(raw(port, "mail.test:18025", "/api/v1/messages", null)).startsWith("HTTP/1.1 200 ");
            assertThat(raw(port, "mail.test", "/")).startsWith("HTTP/1.1 200 ");
            assertThat(raw(port, "forward.test:18025", "/")).startsWith("HTTP/1.1 200 ");
            assertThat(raw(port, "forward.test:18026", "/")).startsWith("HTTP/1.1 403 ");
            assertThat(raw(port, "forward.test", "/")).startsWith("HTTP/1.1 403 ");
            assertThat(raw(port, "evil.example:18025", "/")).startsWith("HTTP/1.1 403 ");
            assertThat(raw(port, "127.0.0.1:" + port, "/")).startsWith("HTTP/1.1 200 ");
            assertThat(raw(port, "mail.test:18025", "/api/v1/messages", "http://mail.test:18025"))
                    .startsWith("HTTP/1.1 200 ");
            assertThat(raw(port, "mail.test:18025", "/api/v1/messages", "http://mail.test:18026"))
                    .startsWith("HTTP/1.1 403 ");
        }
        for (String bad : List.of("bad name", "evil.example:0", "evil.example:65536", "a..b", "-a.test", "x:y",
                "[::1", "evil.example/")) {
            assertThatThrownBy(() -> CaptureWeb.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    rig.store, null, (file, from, to, host) -> null, List.of(bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        HostNames names = HostNames.of(Set.of("localhost:8025"), List.of("[::1]", "box.test:8080"));
        assertThat(names.allows("[::1]:18025")).isTrue();
        assertThat(names.allows("[::1]")).isTrue();
        assertThat(names.allows("BOX.test:8080")).isTrue();
        assertThat(names.allows("box.test")).isFalse();
        assertThat(names.allows("[::1]:x")).isFalse();
        assertThat(names.allows("localhost:8026")).isFalse();
    }

    private static String raw(int port, String host, String path) throws IOException {
        return raw(port, host, path, null);
    }

    /** A GET with any Host header and, unless null, an Origin. */
    private static String raw(int port, String host, String path, String origin) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readNBytes(1 << 20), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void thePageHasAStrictPolicyAndLoadsNothingFromElsewhere() throws Exception {
        HttpResponse<String> page = rig.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'self';"
                + " frame-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
                + " frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.headers().firstValue("Server")).isEmpty();
        assertThat(page.body()).contains("<iframe id=\"html-frame\" sandbox ").doesNotContain("//", "style=");
        String script = rig.get("/app.js").body();
        assertThat(script).doesNotContain("innerHTML", "http:", "https:", "eval(");
        assertThat(rig.get("/app.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        HttpResponse<String> api = rig.get("/api/v1/mailboxes");
        assertThat(api.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(api.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(rig.get("/nothing").statusCode()).isEqualTo(404);
        assertThat(rig.send("POST", "/", "{}", null).statusCode()).isEqualTo(405);
        assertThat(rig.send("PATCH", "/api/v1/messages", "{}", null).statusCode()).isEqualTo(405);
    }

    @Test
    void headersOverTheLimitAreRefusedWithoutDetail() throws Exception {
        HttpResponse<String> big = rig.http.send(rig.request("/api/v1/messages").header("X-Big", "x".repeat(9000))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(431);
        assertThat(big.body()).doesNotContain("jetty", "Exception", "at org.");
    }

    @Test
    void theEventStreamTellsOfEachMessageAsItArrivesAndGoes() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> stream = rig.http.send(rig.request("/api/v1/events")
                .header("Origin", rig.origin()).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        Thread reader = Thread.ofVirtual().start(() -> stream.body().forEach(lines::add));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains(": posthorn events"));

        CapturedMessage sent = rig.sendText("s@client.test", "live@dev.test", "Live <one>", "x");
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: added"));
        String data = lines.get(lines.indexOf("event: added") + 1);
        assertThat(data).startsWith("data: {\"id\":\"" + sent.id() + "\"").contains("\"subject\":\"Live <one>\"");

        rig.send("DELETE", "/api/v1/messages/" + sent.id(), null, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: deleted"));
        assertThat(lines).contains("data: {\"id\":\"" + sent.id() + "\"}");
        rig.send("DELETE", "/api/v1/messages", null, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: cleared"));

        rig.web.close(); // ends the stream: the reader sees its end
        reader.join(Duration.ofSeconds(10));
        assertThat(reader.isAlive()).isFalse();
    }

    @Test
    void downloadNamesAreMadeSafe() {
        assertThat(Downloads.disposition("../../etc/passwd", 0)).isEqualTo(
                "attachment; filename=\"etcpasswd\"; filename*=UTF-8''....etcpasswd");
        assertThat(Downloads.disposition("a\r\nSet-Cookie: x=1.txt", 1)).doesNotContain("\r", "\n")
                .startsWith("attachment; filename=\"aSet-Cookie__x_1.txt\"");
        assertThat(Downloads.disposition(null, 2)).isEqualTo("attachment; filename=\"attachment-2\"");
        assertThat(Downloads.disposition("Grüße.pdf", 3))
                .isEqualTo("attachment; filename=\"Gr__e.pdf\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe.pdf");
        assertThat(Downloads.contentType("text/html; charset=utf-8")).isEqualTo("application/octet-stream");
        assertThat(Downloads.contentType("image/svg+xml")).isEqualTo("application/octet-stream");
        assertThat(Downloads.contentType("IMAGE/PNG; name=x")).isEqualTo("image/png");
    }
}
