package dev.posthorn.mta.capture.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.capture.CaptureQuery;
import dev.posthorn.mta.capture.CapturedMessage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The web view's API over real HTTP, against a real store fed by a real SMTP server and client. */
class CaptureWebTest {

    @RegisterExtension
    final WebRig rig = new WebRig();

    @Test
    void listsNewestFirstInPages() throws Exception {
        for (int i = 1; i <= 3; i++) {
            rig.sendText("s@client.test", "r@dev.test", "message " + i, "body " + i);
        }
        HttpResponse<String> first = rig.get("/api/v1/messages?limit=2");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(first.body()).contains("\"total\":3", "\"limit\":2");
        assertThat(first.body().indexOf("message 3")).isLessThan(first.body().indexOf("message 2"));
        assertThat(first.body()).doesNotContain("message 1");
        HttpResponse<String> rest = rig.get("/api/v1/messages?limit=2&offset=2");
        assertThat(rest.body()).contains("message 1").doesNotContain("message 2");
        assertThat(rig.get("/api/v1/messages?limit=501").statusCode()).isEqualTo(400);
        assertThat(rig.get("/api/v1/messages?offset=-1").statusCode()).isEqualTo(400);
        assertThat(rig.get("/api/v1/messages?after=yesterday").statusCode()).isEqualTo(400);
    }

    @Test
    void anEntryHoldsEnvelopeHeadersSizeAndDates() throws Exception {
        CapturedMessage sent = rig.sendText("Sender@Client.test", "one@dev.test", "fields", "text");
        String body = rig.get("/api/v1/messages").body();
        assertThat(body).contains("\"id\":\"" + sent.id() + "\"",
                "\"envelope\":{\"from\":\"Sender@Client.test\",\"to\":[\"one@dev.test\"]}",
                "\"from\":\"Sender@Client.test\"", "\"to\":[\"one@dev.test\"]", "\"subject\":\"fields\"",
                "\"size\":" + sent.size(), "\"received_at\":\"" + sent.receivedAt() + "\"",
                "\"has_attachments\":false", "\"date\":\"");
    }

    @Test
    void searchesByEveryField() throws Exception {
        rig.sendText("alice@client.test", "inbox-a@dev.test", "Invoice 42", "please pay");
        rig.sendRich("Newsletter");
        Instant between = Instant.now();
        assertThat(rig.get("/api/v1/messages?subject=invoice").body()).contains("Invoice 42")
                .doesNotContain("Newsletter");
        assertThat(rig.get("/api/v1/messages?text=pay").body()).contains("Invoice 42").doesNotContain("Newsletter");
        assertThat(rig.get("/api/v1/messages?from=rich@").body()).contains("Newsletter").doesNotContain("Invoice");
        assertThat(rig.get("/api/v1/messages?to=viewer").body()).contains("Newsletter").doesNotContain("Invoice");
        assertThat(rig.get("/api/v1/messages?mailbox=INBOX-A@dev.test").body()).contains("\"total\":1", "Invoice");
        assertThat(rig.get("/api/v1/messages?has_attachment=true").body()).contains("Newsletter")
                .doesNotContain("Invoice");
        assertThat(rig.get("/api/v1/messages?has_attachment=false").body()).contains("Invoice")
                .doesNotContain("Newsletter");
        assertThat(rig.get("/api/v1/messages?min_size=1000").body()).contains("Newsletter").doesNotContain("Invoice");
        assertThat(rig.get("/api/v1/messages?max_size=999").body()).contains("Invoice").doesNotContain("Newsletter");
        assertThat(rig.get("/api/v1/messages?before=" + between).body()).contains("\"total\":2");
        assertThat(rig.get("/api/v1/messages?after=" + between).body()).contains("\"total\":0");
    }

    @Test
    void showsOneMessageInEveryForm() throws Exception {
        CapturedMessage rich = rig.sendRich("Rich one");
        String base = "/api/v1/messages/" + rich.id();
        String one = rig.get(base).body();
        assertThat(one).contains("\"subject\":\"Rich one\"", "\"has_text\":true", "\"has_html\":true",
                "\"has_attachments\":true", "\"content_type\":\"image/png\"", "\"content_id\":\"logo@dev.test\"");
        assertThat(rig.get(base + "/headers").body()).contains("{\"name\":\"Subject\",\"value\":\"Rich one\"}");
        HttpResponse<String> text = rig.get(base + "/text");
        assertThat(text.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(text.body()).contains("plain body words");
        HttpResponse<byte[]> raw = rig.getBytes(base + "/raw");
        assertThat(raw.headers().firstValue("Content-Type")).hasValue("message/rfc822");
        assertThat(raw.body()).isEqualTo(Files.readAllBytes(rig.store.file(rich.id()).orElseThrow()));
        assertThat(rig.get("/api/v1/messages/nosuchid").statusCode()).isEqualTo(404);
        assertThat(rig.get("/api/v1/messages/..%2E/raw").statusCode()).isIn(400, 404);
        assertThat(rig.get(base + "/attachments/9").statusCode()).isEqualTo(404);
    }

    @Test
    void theHtmlBodyIsSandboxedAndItsCidImagesPointToTheAttachment() throws Exception {
        CapturedMessage rich = rig.sendRich("Html");
        HttpResponse<String> html = rig.get("/api/v1/messages/" + rich.id() + "/html");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(html.headers().firstValue("Content-Security-Policy")).hasValue(
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; sandbox");
        assertThat(html.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        int png = indexOf(rig.get("/api/v1/messages/" + rich.id()).body(), "image/png");
        assertThat(html.body()).contains("src=\"/api/v1/messages/" + rich.id() + "/attachments/" + png + "\"")
                .doesNotContain("cid:logo");
        HttpResponse<String> remote = rig.get("/api/v1/messages/" + rich.id() + "/html?remote=1");
        assertThat(remote.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("img-src 'self' data: https:", "sandbox").doesNotContain("script");
    }

    /** The index of the attachment with content type {@code type} in a message document. */
    private static int indexOf(String message, String type) {
        int at = message.indexOf("\"content_type\":\"" + type + "\"");
        String before = message.substring(0, at);
        String index = before.substring(before.lastIndexOf("\"index\":") + 8);
        return Integer.parseInt(index.substring(0, index.indexOf(',')));
    }

    @Test
    void attachmentsDownloadSafely() throws Exception {
        CapturedMessage rich = rig.sendRich("Files");
        String message = rig.get("/api/v1/messages/" + rich.id()).body();
        int png = indexOf(message, "image/png");
        int html = indexOf(message, "text/html");
        HttpResponse<byte[]> image = rig.getBytes("/api/v1/messages/" + rich.id() + "/attachments/" + png);
        assertThat(image.body()).isEqualTo(WebRig.PNG);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
        HttpResponse<byte[]> file = rig.getBytes("/api/v1/messages/" + rich.id() + "/attachments/" + html);
        assertThat(new String(file.body(), StandardCharsets.UTF_8)).isEqualTo("<script>alert(1)</script>");
        assertThat(file.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(file.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(file.headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment; filename=\"evil__name_.html\"; filename*=UTF-8''")
                .doesNotContain("/", "\\", "\"name\"");
    }

    @Test
    void deletesOneAMailboxAndAll() throws Exception {
        CapturedMessage one = rig.sendText("s@client.test", "a@dev.test", "first", "x");
        rig.sendText("s@client.test", "b@dev.test", "second", "x");
        rig.sendText("s@client.test", "b@dev.test", "third", "x");
        assertThat(rig.get("/api/v1/mailboxes").body()).isEqualTo("{\"mailboxes\":["
                + "{\"address\":\"a@dev.test\",\"messages\":1},{\"address\":\"b@dev.test\",\"messages\":2}]}");
        assertThat(rig.send("DELETE", "/api/v1/messages/" + one.id(), null, null).body())
                .isEqualTo("{\"deleted\":1}");
        assertThat(rig.store.get(one.id())).isEmpty();
        assertThat(rig.send("DELETE", "/api/v1/messages/" + one.id(), null, null).statusCode()).isEqualTo(404);
        rig.sendText("s@client.test", "c@dev.test", "fourth", "x");
        assertThat(rig.send("DELETE", "/api/v1/messages?mailbox=b@dev.test", null, null).body())
                .isEqualTo("{\"deleted\":2}");
        assertThat(rig.store.list(CaptureQuery.ALL, 0, 10).total()).isEqualTo(1);
        assertThat(rig.send("DELETE", "/api/v1/messages", null, rig.origin()).body()).isEqualTo("{\"deleted\":1}");
        assertThat(rig.store.list(CaptureQuery.ALL, 0, 10).total()).isZero();
    }

    @Test
    void anEmptyOrUnknownQueryParameterGets400AndDeletesNothing() throws Exception {
        rig.sendText("s@client.test", "a@dev.test", "kept", "x");
        for (String query : List.of("?mailbox=", "?mailboxx=a@dev.test", "?mailbox=a@dev.test&force=1")) {
            HttpResponse<String> answer = rig.send("DELETE", "/api/v1/messages" + query, null, null);
            assertThat(answer.statusCode()).as(query).isEqualTo(400);
        }
        assertThat(rig.store.list(CaptureQuery.ALL, 0, 10).total()).isEqualTo(1);
        assertThat(rig.get("/api/v1/messages?subjekt=kept").statusCode()).isEqualTo(400);
        assertThat(rig.get("/api/v1/messages?subject=").statusCode()).isEqualTo(400);
        assertThat(rig.get("/api/v1/mailboxes?x=1").statusCode()).isEqualTo(400);
        assertThat(rig.get("/api/v1/chaos?seed=1").statusCode()).isEqualTo(400);
        assertThat(rig.get("/api/v1/messages?subject=kept&limit=5").body()).contains("\"total\":1");
    }

    @Test
    void theRawMessageCanBeCutToItsFirstOctets() throws Exception {
        CapturedMessage sent = rig.sendText("s@client.test", "r@dev.test", "Long", "y".repeat(5000));
        byte[] whole = Files.readAllBytes(rig.store.file(sent.id()).orElseThrow());
        String raw = "/api/v1/messages/" + sent.id() + "/raw";
        assertThat(rig.getBytes(raw + "?limit=100").body()).isEqualTo(java.util.Arrays.copyOf(whole, 100));
        assertThat(rig.getBytes(raw + "?limit=1048576").body()).isEqualTo(whole);
        assertThat(rig.get(raw + "?limit=0").statusCode()).isEqualTo(400);
        assertThat(rig.get(raw + "?limit=x").statusCode()).isEqualTo(400);
        String script = rig.get("/app.js").body();
        assertThat(script).contains("/raw?limit=' + SOURCE_LIMIT", "download the whole message")
                .doesNotContain("base + '/raw')");
        assertThat(rig.get("/").body()).contains("id=\"source-note\"");
    }

    @Test
    void theHtmlBodyRefreshesNothingAndPrefetchesNoNames() throws Exception {
        jakarta.mail.internet.MimeMessage message = new jakarta.mail.internet.MimeMessage(rig.session(rig.smtp));
        message.setFrom("s@client.test");
        message.setRecipients(jakarta.mail.Message.RecipientType.TO, "r@dev.test");
        message.setSubject("Refresh");
        message.setContent("<html><head><META HTTP-EQUIV=\"refresh\" content=\"0;url=https://evil.example/\">"
                + "<meta/http-equiv=refresh content=\"1;url=https://evil.example/2\"><base href=\"https://evil.example/\">"
                + "<link rel=\"dns-prefetch\" href=\"//tracker.example\"></head><body><p>hi</p></body></html>",
                "text/html; charset=UTF-8");
        message.saveChanges();
        jakarta.mail.Transport.send(message);
        CapturedMessage sent = rig.store.list(CaptureQuery.ALL, 0, 1).messages().getFirst();
        HttpResponse<String> html = rig.get("/api/v1/messages/" + sent.id() + "/html");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("X-DNS-Prefetch-Control")).hasValue("off");
        assertThat(html.body()).contains("<p>hi</p>").doesNotContainPattern("(?i)<(meta|base)[\\s/>]");
    }

    @Test
    void releasesToAnotherServer() throws Exception {
        CapturedMessage sent = rig.sendText("app@client.test", "user@dev.test", "Release me", "going on");
        HttpResponse<String> released = rig.send("POST", "/api/v1/messages/" + sent.id() + "/release",
                "{\"host\":\"127.0.0.1:" + rig.secondSmtp.port() + "\"}", rig.origin());
        assertThat(released.statusCode()).isEqualTo(200);
        assertThat(released.body()).contains("\"reply\":\"250 ", "\"accepted\":[\"user@dev.test\"]", "\"tls\":false");
        CapturedMessage arrived = rig.second.list(CaptureQuery.ALL, 0, 10).messages().getFirst();
        assertThat(arrived.subject()).isEqualTo("Release me");
        assertThat(arrived.envelopeFrom()).isEqualTo("app@client.test");
        assertThat(arrived.recipients()).containsExactly("user@dev.test");

        rig.send("POST", "/api/v1/messages/" + sent.id() + "/release",
                "{\"host\":\"127.0.0.1:" + rig.secondSmtp.port() + "\",\"to\":[\"other@dev.test\"]}", null);
        assertThat(rig.second.list(CaptureQuery.mailbox("other@dev.test"), 0, 10).total()).isEqualTo(1);
        assertThat(rig.send("POST", "/api/v1/messages/" + sent.id() + "/release", "{\"host\":\"nohost\"}", null)
                .statusCode()).isEqualTo(400);
        assertThat(rig.send("POST", "/api/v1/messages/" + sent.id() + "/release", "[1]", null).statusCode())
                .isEqualTo(400);
        assertThat(rig.send("POST", "/api/v1/messages/missing/release", "{}", null).statusCode()).isEqualTo(404);
        assertThat(rig.send("POST", "/api/v1/messages/" + sent.id() + "/release",
                "{\"host\":\"127.0.0.1:" + rig.secondSmtp.port() + "\",\"pad\":\"" + "x".repeat(70_000) + "\"}",
                null).statusCode()).isEqualTo(413);
        assertThat(rig.second.list(CaptureQuery.ALL, 0, 10).total()).isEqualTo(2);
    }

    @Test
    void aReleaseNobodyTakesAnswers502() throws Exception {
        CapturedMessage sent = rig.sendText("app@client.test", "user@dev.test", "Nowhere", "x");
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        HttpResponse<String> answer = rig.send("POST", "/api/v1/messages/" + sent.id() + "/release",
                "{\"host\":\"127.0.0.1:" + closed + "\"}", null);
        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).contains("release failed");
    }

    @Test
    void chaosRulesAreShownReplacedAndCleared() throws Exception {
        HttpResponse<String> put = rig.send("PUT", "/api/v1/chaos",
                "{\"seed\":42,\"rules\":[\"rcpt:reply=451 4.3.0 Try again later:p=0.5\",\"data:delay=2s\"]}", null);
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(rig.chaos.seed()).isEqualTo(42);
        assertThat(rig.chaos.rules()).hasSize(2);
        String shown = rig.get("/api/v1/chaos").body();
        assertThat(shown).contains("\"seed\":42", "rcpt:reply=451 4.3.0 Try again later:p=0.5", "data:delay=2s");
        assertThat(rig.send("PUT", "/api/v1/chaos", "{\"rules\":[\"nowhere:disconnect\"]}", null).statusCode())
                .isEqualTo(400);
        assertThat(rig.chaos.rules()).hasSize(2);
        assertThat(rig.send("DELETE", "/api/v1/chaos", null, null).body()).isEqualTo("{\"seed\":42,\"rules\":[]}");
        assertThat(rig.chaos.rules()).isEmpty();
    }
}
