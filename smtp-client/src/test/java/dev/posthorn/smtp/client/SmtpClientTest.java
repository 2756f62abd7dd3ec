package dev.posthorn.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Decision;
import dev.posthorn.smtp.server.SessionPolicy;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against Posthorn's own server: pipelined transactions and per-recipient results. */
class SmtpClientTest {

    private final List<String> received = new CopyOnWriteArrayList<>();
    private SmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SmtpClient client(SessionPolicy policy) throws IOException {
        server = SmtpServer.builder().hostname("mx.posthorn.test").policy(policy).sink((envelope, message) -> {
            received.add(new String(message.readAllBytes(), StandardCharsets.UTF_8));
            return Replies.queued(envelope.id());
        }).build().start();
        return SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", server.port()), SmtpClient.Protocol.SMTP,
                "client.test", ClientTimeouts.all(Duration.ofSeconds(5)));
    }

    static Recipient to(String address) {
        return Recipient.of(ForwardPath.of(Mailbox.parse(address, false)));
    }

    static ByteArrayInputStream message(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sendsAMessageDotStuffedAndReadsTheCapabilities() throws Exception {
        try (SmtpClient client = client(SessionPolicy.ACCEPT_ALL)) {
            assertThat(client.capabilities().supports("pipelining")).isTrue();
            assertThat(client.capabilities().sizeLimit()).hasValue(26_214_400);
            TransactionResult result = client.send(ReversePath.of(Mailbox.parse("s@client.test", false)),
                    MailParameters.NONE, List.of(to("a@posthorn.test"), to("b@posthorn.test")),
                    message("Subject: t\r\n\r\n.dot\r\nbare\nlf\r\n"));
            assertThat(result.recipients()).allMatch(TransactionResult.RecipientResult::delivered);
            assertThat(result.recipients().getFirst().reply().text()).startsWith("Ok: queued as");
            client.quit();
        }
        assertThat(received).singleElement().asString().endsWith("Subject: t\r\n\r\n.dot\r\nbare\r\nlf\r\n");
    }

    @Test
    void refusedRecipientsGetTheirOwnReplies() throws Exception {
        SessionPolicy policy = new SessionPolicy() {
            @Override
            public Decision rcpt(dev.posthorn.smtp.server.SessionInfo s, ReversePath from, ForwardPath to,
                                 dev.posthorn.smtp.RcptParameters p) {
                return to.mailbox().localPart().equals("gone") ? Decision.reject(Replies.NO_SUCH_USER)
                        : to.mailbox().localPart().equals("later") ? Decision.defer(Replies.LOCAL_ERROR)
                        : Decision.accept();
            }
        };
        try (SmtpClient client = client(policy)) {
            TransactionResult result = client.send(ReversePath.NULL, MailParameters.NONE,
                    List.of(to("gone@posthorn.test"), to("ok@posthorn.test"), to("later@posthorn.test")),
                    message("Subject: t\r\n\r\nx\r\n"));
            assertThat(result.recipients()).extracting(r -> r.reply().code()).containsExactly(550, 250, 451);
            TransactionResult second = client.send(ReversePath.NULL, MailParameters.NONE,
                    List.of(to("gone@posthorn.test")), message("x\r\n"));
            assertThat(second.recipients().getFirst().reply().code()).isEqualTo(550);
            TransactionResult third = client.send(ReversePath.NULL, MailParameters.NONE,
                    List.of(to("ok@posthorn.test")), message("third\r\n"));
            assertThat(third.recipients().getFirst().delivered()).isTrue();
        }
        assertThat(received).hasSize(2);
    }

    @Test
    void refusedSenderFailsEveryRecipient() throws Exception {
        SessionPolicy policy = new SessionPolicy() {
            @Override
            public Decision mail(dev.posthorn.smtp.server.SessionInfo s, ReversePath from, MailParameters p) {
                return Decision.reject(dev.posthorn.smtp.Reply.of(553, "5.7.1", "Sender refused"));
            }
        };
        try (SmtpClient client = client(policy)) {
            TransactionResult result = client.send(ReversePath.NULL, MailParameters.NONE,
                    List.of(to("a@posthorn.test"), to("b@posthorn.test")), message("x\r\n"));
            assertThat(result.mail().code()).isEqualTo(553);
            assertThat(result.recipients()).allMatch(r -> r.reply().code() == 553);
        }
        assertThat(received).isEmpty();
    }

    @Test
    void refusedGreetingIsAnError() throws Exception {
        SessionPolicy policy = new SessionPolicy() {
            @Override
            public Decision connect(dev.posthorn.smtp.server.SessionInfo s) {
                return Decision.disconnect(Replies.TOO_MANY_CONNECTIONS);
            }
        };
        server = SmtpServer.builder().policy(policy).sink((e, m) -> Replies.OK).build().start();
        assertThatThrownBy(() -> SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", server.port()),
                SmtpClient.Protocol.SMTP, "client.test", ClientTimeouts.all(Duration.ofSeconds(5))))
                .isInstanceOf(SmtpReplyException.class).hasMessageContaining("421");
    }
}
