package dev.posthorn.smtp.client;

import static dev.posthorn.smtp.client.SmtpClientTest.message;
import static dev.posthorn.smtp.client.SmtpClientTest.to;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.io.LineReader;
import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.SmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer.Fault;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The older paths of the client: HELO when a server does not know EHLO (RFC 5321 4.1.4), and AUTH LOGIN when a
 * server offers no PLAIN, against Posthorn's own server.
 */
class HelloAndLoginTest {

    private static final Authenticator ALICE = (session, c) -> c.username().equals("alice")
            && c.password().equals("wonderland") ? new Authenticator.AuthResult.Success("alice")
            : new Authenticator.AuthResult.Failure();

    private final List<Envelope> envelopes = new CopyOnWriteArrayList<>();
    /** What the client sent, line by line, as the proxy saw it. */
    private final List<String> clientLines = new CopyOnWriteArrayList<>();
    private SmtpServer server;
    private ServerSocket proxy;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void serverThatRejectsEhloIsGreetedWithHeloAndTakesTheMail() throws Exception {
        try (FakeSmtpServer old = FakeSmtpServer.start(Script.accepting().withFault(new Fault.NoEhlo()));
             SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", old.port()),
                     SmtpClient.Protocol.SMTP, "client.test", ClientTimeouts.all(Duration.ofSeconds(5)))) {
            assertThat(client.capabilities().supports("PIPELINING")).as("HELO offers no extensions").isFalse();
            assertThat(client.capabilities().supports("8BITMIME")).isFalse();
            TransactionResult result = client.send(ReversePath.of(Mailbox.parse("s@client.test", false)),
                    MailParameters.NONE, List.of(to("x@old.test")), message("Subject: t\r\n\r\nhi\r\n"));
            assertThat(result.recipients().getFirst().delivered()).isTrue();
            client.quit();
            assertThat(old.commands()).startsWith("EHLO client.test", "HELO client.test", "MAIL FROM:<s@client.test>");
            assertThat(old.received()).singleElement().satisfies(r -> assertThat(r.text()).contains("hi"));
        }
    }

    @Test
    void authLoginIsUsedWhenPlainIsNotOffered() throws Exception {
        server = SmtpServer.builder().hostname("mx.posthorn.test").authenticator(ALICE).authRequiresTls(false)
                .sink((envelope, message) -> {
                    message.readAllBytes();
                    envelopes.add(envelope);
                    return Replies.queued(envelope.id());
                }).build().start();
        int port = loginOnlyProxy(server.port());
        try (SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", port), SmtpClient.Protocol.SMTP,
                "client.test", ClientTimeouts.all(Duration.ofSeconds(5)))) {
            assertThat(client.capabilities().extensions().get("AUTH")).isEqualTo("LOGIN");
            assertThat(client.authenticate("alice", "wonderland", true).code()).isEqualTo(235);
            TransactionResult result = client.send(ReversePath.of(Mailbox.parse("alice@posthorn.test", false)),
                    MailParameters.NONE, List.of(to("x@elsewhere.test")), message("Subject: t\r\n\r\nhi\r\n"));
            assertThat(result.recipients().getFirst().delivered()).isTrue();
        }
        assertThat(clientLines).contains("AUTH LOGIN", "YWxpY2U=", "d29uZGVybGFuZA==") // alice, wonderland
                .noneMatch(line -> line.startsWith("AUTH PLAIN"));
        assertThat(envelopes).singleElement().satisfies(e -> assertThat(e.session().authenticatedUser())
                .isEqualTo("alice"));
    }

    @Test
    void wrongPasswordOverLoginIsRefused() throws Exception {
        server = SmtpServer.builder().hostname("mx.posthorn.test").authenticator(ALICE).authRequiresTls(false)
                .sink((envelope, message) -> Replies.queued(envelope.id())).build().start();
        int port = loginOnlyProxy(server.port());
        try (SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", port), SmtpClient.Protocol.SMTP,
                "client.test", ClientTimeouts.all(Duration.ofSeconds(5)))) {
            assertThat(client.authenticate("alice", "nope", true).code()).isEqualTo(535);
        }
        assertThat(clientLines).contains("AUTH LOGIN");
    }

    /**
     * A one-connection proxy in front of the server that takes PLAIN out of the EHLO reply, as a server offering only
     * LOGIN would answer; everything else passes unchanged both ways.
     */
    private int loginOnlyProxy(int serverPort) throws IOException {
        proxy = new ServerSocket();
        proxy.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread.ofVirtual().name("proxy").start(() -> {
            try (Socket client = proxy.accept(); Socket upstream = new Socket("127.0.0.1", serverPort)) {
                Thread up = Thread.ofVirtual().start(() -> pump(client, upstream, false));
                pump(upstream, client, true);
                up.join();
            } catch (IOException | InterruptedException e) {
                // the test has ended
            }
        });
        return proxy.getLocalPort();
    }

    private void pump(Socket from, Socket to, boolean fromServer) {
        try {
            LineReader in = new LineReader(from.getInputStream());
            OutputStream out = to.getOutputStream();
            for (LineReader.Line line = in.readLine(4096); line != null; line = in.readLine(4096)) {
                String text = new String(line.content(), StandardCharsets.UTF_8);
                if (fromServer) {
                    text = text.replace("AUTH PLAIN LOGIN", "AUTH LOGIN");
                } else {
                    clientLines.add(text);
                }
                out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }
}
