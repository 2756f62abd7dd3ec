package dev.posthorn.mta.capture.web;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.capture.CaptureQuery;
import dev.posthorn.mta.capture.CaptureStore;
import dev.posthorn.mta.capture.CapturedMessage;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.smtp.client.SendOptions;
import dev.posthorn.smtp.server.Chaos;
import dev.posthorn.smtp.server.SmtpServer;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A capture server as {@code posthorn dev} runs it, on port 0: a store fed by a real SMTP server, the web view over
 * it, and a second SMTP server capturing into a second store, to release to. Register it as an extension
 * ({@code @RegisterExtension final WebRig rig = new WebRig();}): each test gets a fresh rig in a fresh directory,
 * started before the test's own {@code @BeforeEach} methods and closed and deleted after it.
 */
final class WebRig implements BeforeEachCallback, AfterEachCallback {

    /** A 1x1 transparent PNG. */
    static final byte[] PNG = java.util.Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    final Chaos chaos = Chaos.seeded(7);
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // Set by beforeEach: a rig is one test's, and JUnit makes a new test instance (and rig) for every test.
    CaptureStore store;
    CaptureStore second;
    SmtpServer smtp;
    SmtpServer secondSmtp;
    CaptureWeb web;
    private Path dir;

    WebRig() {
        // started by beforeEach
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("webrig");
        Files.createDirectories(dir.resolve("one"));
        Files.createDirectories(dir.resolve("two"));
        store = CaptureStore.open(dir.resolve("one"), 10_000, null, Clock.systemUTC());
        second = CaptureStore.open(dir.resolve("two"), 10_000, null, Clock.systemUTC());
        smtp = SmtpServer.builder().hostname("dev.posthorn.test").sink(store).build().start();
        secondSmtp = SmtpServer.builder().hostname("second.posthorn.test").sink(second).build().start();
        Releaser releaser = new SmtpReleaser(new MxResolver(DnsClient.plain(List.of(), Duration.ofSeconds(2))), 25,
                SendOptions.opportunistic());
        web = CaptureWeb.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), store, chaos, releaser);
    }

    String base() {
        return "http://127.0.0.1:" + web.address().getPort();
    }

    String origin() {
        return base();
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> send(String method, String path, String body, String origin)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = request(path).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request with any Host header (HttpClient refuses to set one): the status line and the rest. */
    String raw(String host, String path) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), web.address().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(1 << 20), StandardCharsets.ISO_8859_1);
        }
    }

    Session session(SmtpServer server) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(server.port()));
        p.put("mail.smtp.localhost", "client.test");
        return Session.getInstance(p);
    }

    /** Sends a plain text message through the capture server; returns its stored entry. */
    CapturedMessage sendText(String from, String to, String subject, String text) throws Exception {
        MimeMessage message = new MimeMessage(session(smtp));
        message.setFrom(new InternetAddress(from));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setSubject(subject, "UTF-8");
        message.setText(text, "UTF-8");
        return sendAndFind(message, subject);
    }

    /** Text and HTML alternatives (the HTML with a cid: image), an inline PNG and a file attachment. */
    CapturedMessage sendRich(String subject) throws Exception {
        MimeMessage message = new MimeMessage(session(smtp));
        message.setFrom(new InternetAddress("rich@client.test"));
        message.setRecipients(Message.RecipientType.TO, "viewer@dev.test");
        message.setSubject(subject);
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("plain body words", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<html><body><p>html <b>body</b></p><img src=\"cid:logo@dev.test\">"
                + "<img src=\"https://remote.example/track.png\"><script>alert(1)</script></body></html>",
                "text/html; charset=UTF-8");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        MimeBodyPart body = new MimeBodyPart();
        body.setContent(alternative);
        MimeBodyPart image = new MimeBodyPart();
        image.setDataHandler(new DataHandler(new ByteArrayDataSource(PNG, "image/png")));
        image.setContentID("<logo@dev.test>");
        image.setDisposition("inline");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(
                "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8), "text/html")));
        file.setFileName("../../evil \"name\".html");
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(body);
        mixed.addBodyPart(image);
        mixed.addBodyPart(file);
        message.setContent(mixed);
        return sendAndFind(message, subject);
    }

    private CapturedMessage sendAndFind(MimeMessage message, String subject) throws Exception {
        message.saveChanges();
        Transport.send(message);
        return store.list(new CaptureQuery(null, null, null, subject, null, null, null, null, null, null), 0, 10)
                .messages().getFirst();
    }

    /** Closes what beforeEach started (as far as it got) and deletes the directory. */
    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (AutoCloseable part : new AutoCloseable[] {web, smtp, secondSmtp, store, second}) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    throw new IOException("closing " + part, e);
                }
            }
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
