package dev.posthorn.smtp.client;

import static dev.posthorn.smtp.client.SmtpClientTest.message;
import static dev.posthorn.smtp.client.SmtpClientTest.to;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.SmtpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The client's optional transcript: every command and reply, never the credentials, never the message data. */
class TranscriptTest {

    /** Records lines as an MTA's explain shows them. */
    private static final class Lines implements Transcript {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void sent(String command) {
            lines.add("C: " + command);
        }

        @Override
        public void received(Reply reply) {
            lines.add("S: " + reply);
        }
    }

    @Test
    void theDialogueIsRecordedWithCredentialsAndMessageDataLeftOut() throws Exception {
        Authenticator alice = (session, c) -> c.password().equals("wonderland")
                ? new Authenticator.AuthResult.Success(c.username()) : new Authenticator.AuthResult.Failure();
        try (SmtpServer server = SmtpServer.builder().hostname("mx.posthorn.test").authenticator(alice)
                .authRequiresTls(false).sink((envelope, in) -> {
                    in.readAllBytes();
                    return Replies.queued(envelope.id());
                }).build().start()) {
            Lines transcript = new Lines();
            try (SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", server.port()),
                    SmtpClient.Protocol.SMTP, "client.test", ClientTimeouts.all(Duration.ofSeconds(5)), transcript)) {
                assertThat(client.authenticate("alice", "wonderland", true).code()).isEqualTo(235);
                client.send(ReversePath.of(Mailbox.parse("alice@client.test", false)), MailParameters.NONE,
                        List.of(to("bob@mx.posthorn.test")), message("Subject: secret plans\r\n\r\nthe body\r\n"));
                client.transcript(null);
                client.reset();
            }
            assertThat(transcript.lines.getFirst()).startsWith("S: 220 ");
            assertThat(transcript.lines).contains("C: EHLO client.test", "C: AUTH PLAIN ****",
                    "C: MAIL FROM:<alice@client.test>", "C: RCPT TO:<bob@mx.posthorn.test>", "C: DATA",
                    "C: " + SmtpClient.DATA_PLACEHOLDER);
            assertThat(transcript.lines).anyMatch(line -> line.startsWith("S: 235 "))
                    .anyMatch(line -> line.startsWith("S: 354 "))
                    .noneMatch(line -> line.contains("secret") || line.contains("the body"))
                    .noneMatch(line -> line.contains("d29uZGVybGFuZA") || line.contains("AGFsaWNl")) // base64 parts
                    .noneMatch(line -> line.equals("C: RSET")); // after the transcript was taken off
            assertThat(transcript.lines.getLast()).startsWith("S: 250 ");
        }
    }
}
