package dev.posthorn.smtp.client;

import static dev.posthorn.smtp.client.SmtpClientTest.message;
import static dev.posthorn.smtp.client.SmtpClientTest.to;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client sends a REQUIRETLS message only to a server that advertised REQUIRETLS over TLS (RFC 8689 4.2.1). */
class ClientRequireTlsTest {

    private static final MailParameters REQUIRETLS = MailParameters.NONE.withRequireTls(true);

    private final List<Envelope> envelopes = new CopyOnWriteArrayList<>();
    private SmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SmtpClient client(SmtpServer.Builder builder) throws IOException {
        server = builder.hostname("mx.posthorn.test").tls(ServerTls.selfSigned("mx.posthorn.test"))
                .sink((envelope, message) -> {
                    message.readAllBytes();
                    envelopes.add(envelope);
                    return Replies.queued(envelope.id());
                }).build().start();
        return SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", server.port()), SmtpClient.Protocol.SMTP,
                "client.test", ClientTimeouts.all(Duration.ofSeconds(5)));
    }

    private static TransactionResult send(SmtpClient client) throws IOException {
        return client.send(ReversePath.of(Mailbox.parse("alice@client.test", false)), REQUIRETLS,
                List.of(to("bob@posthorn.test")), message("Subject: t\r\n\r\nhi\r\n"));
    }

    @Test
    void sentWithTheOptionAfterStartTlsToAServerOfferingIt() throws Exception {
        try (SmtpClient client = client(SmtpServer.builder().offerRequireTls(true))) {
            assertThat(client.startTls(OpportunisticTls.context(), "mx.posthorn.test", false)).isTrue();
            assertThat(client.capabilities().supports("REQUIRETLS")).isTrue();
            assertThat(send(client).recipients().getFirst().delivered()).isTrue();
        }
        assertThat(envelopes.getFirst().parameters().requireTls()).isTrue();
    }

    @Test
    void notSentToAServerWithoutTheExtension() throws Exception {
        try (SmtpClient client = client(SmtpServer.builder())) {
            assertThat(client.startTls(OpportunisticTls.context(), "mx.posthorn.test", false)).isTrue();
            TransactionResult result = send(client);
            assertThat(result.recipients().getFirst().reply().code()).isEqualTo(450);
            assertThat(result.recipients().getFirst().reply().status()).hasToString("4.7.30");
        }
        assertThat(envelopes).isEmpty();
    }

    @Test
    void notSentInPlaintext() throws Exception {
        try (SmtpClient client = client(SmtpServer.builder().offerRequireTls(true))) {
            TransactionResult result = send(client);
            assertThat(result.recipients().getFirst().reply().status()).hasToString("4.7.30");
        }
        assertThat(envelopes).isEmpty();
    }
}
