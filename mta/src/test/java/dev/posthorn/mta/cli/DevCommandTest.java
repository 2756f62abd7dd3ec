package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.mta.capture.CaptureQuery;
import dev.posthorn.mta.capture.CapturedMessage;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import dev.posthorn.smtp.client.Recipient;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.client.TransactionResult;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code posthorn dev} over real sockets: STARTTLS and SMTPS into one store, AUTH open or enforced, chaos. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DevCommandTest {

    @TempDir
    Path dir;

    private DevCommand.Running running;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    /** Starts with every listener on 127.0.0.1 port 0 but POP3 and HTTP (off), then {@code extra} option pairs. */
    private DevCommand.Running start(String... extra) throws Exception {
        Map<String, String> listeners = new LinkedHashMap<>(Map.of("--smtp", "127.0.0.1:0", "--smtps", "127.0.0.1:0",
                "--pop3", "off", "--http", "off"));
        List<String> args = new ArrayList<>(List.of("--dir", dir.toString()));
        for (int i = 0; i < extra.length; i += 2) {
            if (listeners.containsKey(extra[i])) {
                listeners.put(extra[i], extra[i + 1]);
            } else {
                args.addAll(List.of(extra[i], extra[i + 1]));
            }
        }
        listeners.forEach((option, value) -> args.addAll(List.of(option, value)));
        DevCommand command = new DevCommand();
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        running = command.start(new PrintStream(printed, true, StandardCharsets.UTF_8));
        return running;
    }

    private static void send(int port, boolean implicitTls, String user, String password) throws Exception {
        Properties p = new Properties();
        String protocol = implicitTls ? "smtps" : "smtp";
        p.put("mail.transport.protocol", protocol);
        p.put("mail." + protocol + ".host", "127.0.0.1");
        p.put("mail." + protocol + ".port", String.valueOf(port));
        p.put("mail." + protocol + ".localhost", "app.test");
        p.put("mail." + protocol + ".auth", "true");
        p.put("mail." + protocol + ".starttls.enable", "true");
        p.put("mail." + protocol + ".starttls.required", String.valueOf(!implicitTls));
        p.put("mail." + protocol + ".ssl.trust", "*");
        p.put("mail." + protocol + ".ssl.checkserveridentity", "false");
        Session session = Session.getInstance(p);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("app@app.test"));
        message.setRecipients(Message.RecipientType.TO, "dev@one.test");
        message.setSubject(protocol + " as " + user);
        message.setText("hello");
        try (Transport transport = session.getTransport(protocol)) {
            transport.connect(user, password);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    private List<CapturedMessage> captured() {
        return running.store().list(CaptureQuery.ALL, 0, 10).messages();
    }

    @Test
    void printsEachListenerAndTurnsOffThoseSaidOff() throws Exception {
        start("--chaos-seed", "42", "--smtps", "off");
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(out).containsPattern("(?m)^smtp   127\\.0\\.0\\.1:" + running.smtp().port() + " \\(STARTTLS\\)$")
                .contains("chaos  seed 42").doesNotContain("smtps");
        assertThat(running.smtps()).isNull();
    }

    @Test
    void startTlsWithAuthTakesAnyPassword() throws Exception {
        start();
        send(running.smtp().port(), false, "anyone", "any password");
        assertThat(captured()).singleElement().satisfies(m -> {
            assertThat(m.subject()).isEqualTo("smtp as anyone");
            assertThat(m.tls()).startsWith("TLSv1.");
            assertThat(m.user()).isEqualTo("anyone");
            assertThat(m.recipients()).containsExactly("dev@one.test");
        });
    }

    @Test
    void smtpsGoesIntoTheSameStore() throws Exception {
        start();
        send(running.smtps().port(), true, "someone", "x");
        send(running.smtp().port(), false, "other", "y");
        assertThat(captured()).extracting(CapturedMessage::subject).containsExactly("smtp as other",
                "smtps as someone");
        assertThat(captured()).allSatisfy(m -> assertThat(m.tls()).isNotNull());
    }

    @Test
    void withAuthMailWithoutAuthGets530AndWrongCredentials535() throws Exception {
        start("--auth", "dev:secret");
        try (SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", running.smtp().port()),
                SmtpClient.Protocol.SMTP, "app.test", ClientTimeouts.all(Duration.ofSeconds(10)))) {
            TransactionResult refused = plainSend(client);
            assertThat(refused.mail().code()).isEqualTo(530);
            assertThat(refused.mail().status()).hasToString("5.7.0");
            assertThat(client.authenticate("dev", "wrong", true).code()).isEqualTo(535);
        }
        assertThatThrownBy(() -> send(running.smtp().port(), false, "dev", "wrong"))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThat(captured()).isEmpty();
        send(running.smtps().port(), true, "dev", "secret");
        assertThat(captured()).singleElement().extracting(CapturedMessage::user).isEqualTo("dev");
    }

    private static TransactionResult plainSend(SmtpClient client) throws Exception {
        return client.send(ReversePath.of(Mailbox.parse("app@app.test", false)), MailParameters.NONE,
                List.of(Recipient.of(ForwardPath.of(Mailbox.parse("dev@one.test", false)))),
                new ByteArrayInputStream("Subject: t\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aRestartKeepsTheMessages() throws Exception {
        start();
        send(running.smtp().port(), false, "a", "b");
        String id = captured().getFirst().id();
        running.close();
        running = null;
        start();
        assertThat(captured()).extracting(CapturedMessage::id).containsExactly(id);
        assertThat(running.store().view(id).orElseThrow().text()).isEqualTo("hello\r\n");
    }

    @Test
    void chaosRulesApplyToTheListeners() throws Exception {
        start("--chaos", "rcpt:reply=451 4.3.0 Try again later", "--chaos-seed", "7");
        try (SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", running.smtp().port()),
                SmtpClient.Protocol.SMTP, "app.test", ClientTimeouts.all(Duration.ofSeconds(10)))) {
            TransactionResult result = plainSend(client);
            assertThat(result.recipients()).singleElement().satisfies(r -> assertThat(r.reply().code()).isEqualTo(451));
        }
        assertThat(running.chaos().seed()).isEqualTo(7);
        assertThat(captured()).isEmpty();
    }

    @Test
    void pop3ServesEachRecipientsMailboxOverStls() throws Exception {
        // --auth names the application's login; POP3 opens any recipient's mailbox with one of its passwords.
        start("--pop3", "127.0.0.1:0", "--auth", "app:secret", "--auth", "other:second");
        send(running.smtp().port(), false, "app", "secret");
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .containsPattern("(?m)^pop3   127\\.0\\.0\\.1:" + running.pop3().address().getPort() + " \\(STLS\\)$");
        Properties p = new Properties();
        p.put("mail.pop3.starttls.enable", "true");
        p.put("mail.pop3.starttls.required", "true");
        p.put("mail.pop3.ssl.trust", "*");
        p.put("mail.pop3.ssl.checkserveridentity", "false");
        jakarta.mail.Store pop3 = Session.getInstance(p).getStore("pop3");
        assertThatThrownBy(() -> pop3.connect("127.0.0.1", running.pop3().address().getPort(), "dev@one.test", "wrong"))
                .isInstanceOf(AuthenticationFailedException.class);
        for (String password : List.of("secret", "second")) {
            pop3.connect("127.0.0.1", running.pop3().address().getPort(), "DEV@one.test", password);
            try (pop3) {
                jakarta.mail.Folder inbox = pop3.getFolder("INBOX");
                inbox.open(jakarta.mail.Folder.READ_ONLY);
                assertThat(inbox.getMessages()).extracting(Message::getSubject).containsExactly("smtp as app");
                inbox.close(false);
            }
        }
    }

    @Test
    void theWebViewListsWhatSmtpCaptured() throws Exception {
        start("--http", "127.0.0.1:0");
        send(running.smtp().port(), false, "web", "x");
        int port = running.web().address().getPort();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .containsPattern("(?m)^http   http://127\\.0\\.0\\.1:" + port + "/$");
        java.net.http.HttpResponse<String> list = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/messages"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"subject\":\"smtp as web\"").contains(captured().getFirst().id());
    }

    @Test
    void httpHostAddsNamesToTheHostCheckForAPortForward() throws Exception {
        start("--http", "127.0.0.1:0", "--http-host", "mail.dev.test", "--http-host", "fwd.test:18025");
        int port = running.web().address().getPort();
        assertThat(get(port, "mail.dev.test:18025")).startsWith("HTTP/1.1 200 ");
        assertThat(get(port, "fwd.test:18025")).startsWith("HTTP/1.1 200 ");
        assertThat(get(port, "fwd.test:18026")).startsWith("HTTP/1.1 403 ");
        assertThat(get(port, "other.test:18025")).startsWith("HTTP/1.1 403 ");
        assertThat(new CommandLine(new DevCommand()).getUsageMessage()).contains("--http-host=NAME[:PORT]");
    }

    /** GET /api/v1/messages with the given Host header: the status line and the rest. */
    private static String get(int port, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/v1/messages HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readNBytes(1 << 16), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void twoChaosRulesForOneStageAreRefusedBeforeAnythingListens() {
        assertThatThrownBy(() -> start("--chaos", "rcpt:disconnect", "--chaos", "rcpt:delay=1s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rcpt");
        assertThat(running).isNull();
    }
}
