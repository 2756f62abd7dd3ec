package dev.posthorn.smtp.client;

import static dev.posthorn.smtp.client.SmtpClientTest.message;
import static dev.posthorn.smtp.client.SmtpClientTest.to;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** STARTTLS, AUTH, CHUNKING and the checks made before a message is sent, against Posthorn's own server. */
class ClientExtensionsTest {

    private final List<Envelope> envelopes = new CopyOnWriteArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private SmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SmtpClient client(SmtpServer.Builder builder) throws IOException {
        server = builder.hostname("mx.posthorn.test").sink((envelope, message) -> {
            envelopes.add(envelope);
            messages.add(new String(message.readAllBytes(), StandardCharsets.UTF_8));
            return Replies.queued(envelope.id());
        }).build().start();
        return SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", server.port()), SmtpClient.Protocol.SMTP,
                "client.test", ClientTimeouts.all(Duration.ofSeconds(5)));
    }

    private static final Authenticator ALICE = (session, c) -> c.username().equals("alice")
            && c.password().equals("wonderland") ? new Authenticator.AuthResult.Success("alice")
            : new Authenticator.AuthResult.Failure();

    @Test
    void startTlsThenAuthThenSend() throws Exception {
        try (SmtpClient client = client(SmtpServer.builder().tls(ServerTls.selfSigned("mx.posthorn.test"))
                .authenticator(ALICE))) {
            assertThatThrownBy(() -> client.authenticate("alice", "wonderland", false))
                    .hasMessageContaining("without TLS");
            assertThat(client.startTls(OpportunisticTls.context(), "mx.posthorn.test", false)).isTrue();
            assertThat(client.tlsSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(client.capabilities().supports("STARTTLS")).isFalse();
            assertThat(client.authenticate("alice", "wonderland", false).code()).isEqualTo(235);
            TransactionResult result = client.send(ReversePath.of(Mailbox.parse("alice@posthorn.test", false)),
                    MailParameters.NONE, List.of(to("x@elsewhere.test")), message("Subject: t\r\n\r\nhi\r\n"));
            assertThat(result.recipients().getFirst().delivered()).isTrue();
        }
        assertThat(envelopes.getFirst().session().tls()).isNotNull();
        assertThat(envelopes.getFirst().session().authenticatedUser()).isEqualTo("alice");
    }

    @Test
    void wrongPasswordIsTheServersAnswer() throws Exception {
        try (SmtpClient client = client(SmtpServer.builder().authenticator(ALICE).authRequiresTls(false))) {
            assertThat(client.authenticate("alice", "nope", true).code()).isEqualTo(535);
        }
    }

    @Test
    void serverWithoutTlsLeavesTheSessionInPlaintext() throws Exception {
        try (SmtpClient client = client(SmtpServer.builder())) {
            assertThat(client.startTls(OpportunisticTls.context(), "mx.posthorn.test", false)).isFalse();
            assertThat(client.tlsSession()).isNull();
        }
    }

    @Test
    void verifiedTlsRefusesAnUntrustedCertificate() throws Exception {
        try (SmtpClient client = client(SmtpServer.builder().tls(ServerTls.selfSigned("mx.posthorn.test")))) {
            SSLContext defaults = SSLContext.getDefault();
            assertThatThrownBy(() -> client.startTls(defaults, "mx.posthorn.test", true))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void chunkingSendsTheMessageAsItIs() throws Exception {
        String text = "Subject: chunked\r\n\r\n.leading dot\r\n.\r\nbinary\0bytes\r\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (SmtpClient client = client(SmtpServer.builder())) {
            assertThat(client.capabilities().supports("CHUNKING")).isTrue();
            TransactionResult result = client.send(ReversePath.NULL, new MailParameters(OptionalLong.of(bytes.length),
                    BodyType.BINARY_MIME, false, null, null, null), List.of(to("a@posthorn.test")),
                    message(text), bytes.length);
            assertThat(result.recipients().getFirst().delivered()).isTrue();
        }
        assertThat(messages.getFirst()).endsWith(text);
        assertThat(envelopes.getFirst().parameters().body()).isEqualTo(BodyType.BINARY_MIME);
    }

    @Test
    void messageOverTheServersSizeIsNotSent() throws Exception {
        try (SmtpClient client = client(SmtpServer.builder().maxMessageSize(100))) {
            TransactionResult result = client.send(ReversePath.NULL, MailParameters.NONE,
                    List.of(to("a@posthorn.test"), to("b@posthorn.test")), message("x".repeat(200)), 200);
            assertThat(result.recipients()).allMatch(r -> r.reply().code() == 552
                    && r.reply().status().toString().equals("5.3.4"));
            TransactionResult small = client.send(ReversePath.NULL, MailParameters.NONE,
                    List.of(to("a@posthorn.test")), message("small\r\n"), 7);
            assertThat(small.recipients().getFirst().delivered()).isTrue();
        }
        assertThat(messages).hasSize(1);
    }
}
