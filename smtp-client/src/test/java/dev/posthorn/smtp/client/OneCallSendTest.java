package dev.posthorn.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Decision;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.server.SessionInfo;
import dev.posthorn.smtp.server.SessionPolicy;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code SmtpClient.send(host, port, from, recipients, message)} against Posthorn's own server over loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OneCallSendTest {

    private static final SendOptions FAST = SendOptions.opportunistic()
            .withTimeouts(ClientTimeouts.all(Duration.ofSeconds(10)));

    private final List<Envelope> envelopes = new CopyOnWriteArrayList<>();
    private final List<byte[]> messages = new CopyOnWriteArrayList<>();
    private SmtpServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int start(SessionPolicy policy, ServerTls tls) throws IOException {
        SmtpServer.Builder builder = SmtpServer.builder().hostname("mx.posthorn.test").policy(policy)
                .sink((envelope, message) -> {
                    envelopes.add(envelope);
                    messages.add(message.readAllBytes());
                    return Replies.queued(envelope.id());
                });
        server = (tls == null ? builder : builder.tls(tls)).build().start();
        return server.port();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private String received() {
        return new String(messages.getFirst(), StandardCharsets.UTF_8);
    }

    private static SessionPolicy refusing(String localPart) {
        return new SessionPolicy() {
            @Override
            public Decision rcpt(SessionInfo s, ReversePath from, ForwardPath to, RcptParameters p) {
                return to.mailbox().localPart().startsWith(localPart) ? Decision.reject(Replies.NO_SUCH_USER)
                        : Decision.accept();
            }
        };
    }

    @Test
    void sendsInOneCallOverPlaintextWhenTlsIsNotOffered() throws Exception {
        int port = start(SessionPolicy.ACCEPT_ALL, null);
        SendResult result = SmtpClient.send("127.0.0.1", port, "app@client.test",
                List.of("a@posthorn.test", "b@posthorn.test"), bytes("Subject: hi\r\n\r\nhello\r\n"));
        assertThat(result.reply().code()).isEqualTo(250);
        assertThat(result.reply().text()).contains(envelopes.getFirst().id());
        assertThat(result.accepted()).containsExactly("a@posthorn.test", "b@posthorn.test");
        assertThat(result.refused()).isEmpty();
        assertThat(result.tls()).isFalse();
        assertThat(received()).endsWith("Subject: hi\r\n\r\nhello\r\n");
        Envelope envelope = envelopes.getFirst();
        assertThat(envelope.sender().toString()).isEqualTo("<app@client.test>");
        assertThat(envelope.parameters().size()).hasValue(bytes("Subject: hi\r\n\r\nhello\r\n").length);
        assertThat(envelope.parameters().body()).isNull();
        assertThat(envelope.parameters().smtpUtf8()).isFalse();
    }

    @Test
    void startTlsWhenOfferedAcceptingAGeneratedCertificate() throws Exception {
        int port = start(SessionPolicy.ACCEPT_ALL, ServerTls.selfSigned("mx.posthorn.test"));
        SendResult result = SmtpClient.send("127.0.0.1", port, "", List.of("a@posthorn.test"),
                bytes("Subject: tls\r\n\r\nsecret\r\n"));
        assertThat(result.tls()).isTrue();
        assertThat(envelopes.getFirst().session().isTls()).isTrue();
        assertThat(envelopes.getFirst().sender().isNull()).isTrue();
    }

    @Test
    void verifiedTlsRefusesAnUntrustedCertificateAndSendsNothing() throws Exception {
        int port = start(SessionPolicy.ACCEPT_ALL, ServerTls.selfSigned("mx.posthorn.test"));
        assertThatThrownBy(() -> SmtpClient.send("127.0.0.1", port, "app@client.test", List.of("a@posthorn.test"),
                bytes("x\r\n"), SendOptions.verifiedTls().withTimeouts(ClientTimeouts.all(Duration.ofSeconds(10)))))
                .isInstanceOf(SSLException.class);
        assertThat(messages).isEmpty();
    }

    @Test
    void requiredTlsFailsBeforeMailWhenNotOffered() throws Exception {
        int port = start(SessionPolicy.ACCEPT_ALL, null);
        assertThatThrownBy(() -> SmtpClient.send("127.0.0.1", port, "app@client.test", List.of("a@posthorn.test"),
                bytes("x\r\n"), FAST.withTls(SendOptions.Tls.REQUIRED)))
                .isInstanceOf(IOException.class).hasMessageContaining("STARTTLS");
        assertThat(messages).isEmpty();
    }

    @Test
    void refusedRecipientsAreReportedAndTheOthersGetTheMessage() throws Exception {
        int port = start(refusing("gone"), null);
        SendResult result = SmtpClient.send("127.0.0.1", port, "app@client.test",
                List.of("gone@posthorn.test", "ok@posthorn.test", "gone2@posthorn.test"), bytes("x\r\n"), FAST);
        assertThat(result.accepted()).containsExactly("ok@posthorn.test");
        assertThat(result.refused()).containsOnlyKeys("gone@posthorn.test", "gone2@posthorn.test");
        assertThat(result.refused().values()).extracting(Reply::code).containsOnly(550);
        assertThat(envelopes.getFirst().recipients()).extracting(r -> r.path().toString())
                .containsExactly("<ok@posthorn.test>");
    }

    @Test
    void everyRecipientRefusedThrowsWithTheReply() throws Exception {
        int port = start(refusing("gone"), null);
        assertThatThrownBy(() -> SmtpClient.send("127.0.0.1", port, "app@client.test",
                List.of("gone@posthorn.test", "gone2@posthorn.test"), bytes("x\r\n"), FAST))
                .isInstanceOfSatisfying(SmtpReplyException.class, e -> assertThat(e.reply().code()).isEqualTo(550));
        assertThat(messages).isEmpty();
    }

    @Test
    void refusedMailThrowsWithTheReply() throws Exception {
        int port = start(new SessionPolicy() {
            @Override
            public Decision mail(SessionInfo s, ReversePath from, MailParameters p) {
                return Decision.reject(Reply.of(553, "5.7.1", "Sender refused"));
            }
        }, null);
        assertThatThrownBy(() -> SmtpClient.send("127.0.0.1", port, "app@client.test", List.of("a@posthorn.test"),
                bytes("x\r\n"), FAST))
                .isInstanceOfSatisfying(SmtpReplyException.class, e -> {
                    assertThat(e.reply().code()).isEqualTo(553);
                    assertThat(e).hasMessageStartingWith("MAIL refused");
                });
        assertThat(messages).isEmpty();
    }

    @Test
    void aMessageRefusedAtTheEndOfDataThrowsWithThatReply() throws Exception {
        server = SmtpServer.builder().hostname("mx.posthorn.test")
                .sink((envelope, message) -> {
                    message.readAllBytes();
                    return Reply.of(554, "5.6.0", "Content refused");
                }).build().start();
        assertThatThrownBy(() -> SmtpClient.send("127.0.0.1", server.port(), "app@client.test",
                List.of("a@posthorn.test", "b@posthorn.test"), new ByteArrayInputStream(bytes("x\r\n"))))
                .isInstanceOfSatisfying(SmtpReplyException.class, e -> assertThat(e.reply().code()).isEqualTo(554));
    }

    @Test
    void aStreamedMessageIsDotStuffedAndArrivesUnchanged() throws Exception {
        int port = start(SessionPolicy.ACCEPT_ALL, null);
        String text = "Subject: dots\r\n\r\n.\r\n..two\r\n.leading\r\nend\r\n";
        SendResult result = SmtpClient.send("127.0.0.1", port, "app@client.test", List.of("a@posthorn.test"),
                new ByteArrayInputStream(bytes(text)));
        assertThat(result.accepted()).containsExactly("a@posthorn.test");
        assertThat(received()).endsWith(text);
        assertThat(envelopes.getFirst().parameters().size()).isEmpty(); // unknown size: DATA, no SIZE
    }

    @Test
    void anEightBitMessageAndAUtf8AddressDeclareBodyAndSmtpUtf8() throws Exception {
        int port = start(SessionPolicy.ACCEPT_ALL, null);
        String text = "Subject: Grüße\r\n\r\n.Grüße aus Köln\r\n";
        SmtpClient.send("127.0.0.1", port, "app@client.test", List.of("jörg@posthorn.test"), bytes(text), FAST);
        Envelope envelope = envelopes.getFirst();
        assertThat(envelope.parameters().body()).isEqualTo(BodyType.EIGHT_BIT_MIME);
        assertThat(envelope.parameters().smtpUtf8()).isTrue();
        assertThat(envelope.recipients().getFirst().path().mailbox().localPart()).isEqualTo("jörg");
        assertThat(received()).endsWith(text);
    }

    @Test
    void aFileIsStreamedWithItsSize() throws Exception {
        int port = start(SessionPolicy.ACCEPT_ALL, null);
        byte[] text = bytes("Subject: file\r\n\r\n" + "line\r\n".repeat(20_000));
        Path file = Files.write(dir.resolve("m.eml"), text);
        SmtpClient.send("127.0.0.1", port, "app@client.test", List.of("a@posthorn.test"), file, FAST);
        assertThat(envelopes.getFirst().parameters().size()).hasValue(text.length);
        assertThat(received()).endsWith(new String(text, StandardCharsets.UTF_8));
    }

    @Test
    void aRefusedConnectionThrows() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        assertThatThrownBy(() -> SmtpClient.send("127.0.0.1", port, "app@client.test", List.of("a@posthorn.test"),
                bytes("x\r\n"), FAST)).isInstanceOf(ConnectException.class);
    }

    @Test
    void aBadAddressFailsBeforeConnecting() {
        assertThatThrownBy(() -> SmtpClient.send("127.0.0.1", 1, "app@client.test", List.of("not an address"),
                bytes("x\r\n"), FAST)).isInstanceOf(IllegalArgumentException.class);
    }
}
