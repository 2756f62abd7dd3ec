package dev.posthorn.smtp.server;

import static dev.posthorn.smtp.server.TestClient.assertReply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** STARTTLS (RFC 3207) and AUTH (RFC 4954) rules. */
class TlsAndAuthTest extends ServerTest {

    private final RecordingSink sink = new RecordingSink();

    private TestClient client(SmtpServer.Builder builder) throws Exception {
        server = builder.build().start();
        return TestClient.connect(server).hello();
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void startTlsIsRefusedWhenNotConfigured() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).tls(null))) {
            assertReply(c.command("STARTTLS"), 454, "4.7.0");
        }
    }

    @Test
    void startTlsTwiceIsRefused() throws Exception {
        try (TestClient c = client(TestServers.builder(sink)).startTls()) {
            assertReply(c.command("STARTTLS"), 503, "5.5.1");
        }
    }

    @Test
    void startTlsForgetsTheTransactionAndRequiresEhloAgain() throws Exception {
        server = TestServers.builder(sink).build().start();
        try (TestClient c = TestClient.connect(server).hello()) {
            c.command("MAIL FROM:<a@client.test>");
            c.startTls();
            assertReply(c.command("RCPT TO:<alice@posthorn.test>"), 503, "5.5.1");
        }
    }

    @Test
    void plaintextPipelinedAfterStartTlsClosesTheConnection() throws Exception {
        try (TestClient c = client(TestServers.builder(sink))) {
            c.raw("STARTTLS\r\nRSET\r\n");
            assertReply(c.read(), 554, "5.5.1");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void authIsNotOfferedNorAcceptedWithoutTls() throws Exception {
        try (TestClient c = client(TestServers.builder(sink))) {
            assertThat(c.command("EHLO client.test").lines()).noneMatch(l -> l.startsWith("AUTH"));
            assertReply(c.command("AUTH PLAIN " + b64("\0alice\0wonderland")), 538, "5.7.11");
        }
    }

    @Test
    void authWithoutTlsWhenConfigured() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).authRequiresTls(false))) {
            assertReply(c.command("AUTH PLAIN " + b64("\0alice\0wonderland")), 235, "2.7.0");
        }
    }

    @Test
    void authPlainWithoutInitialResponse() throws Exception {
        try (TestClient c = client(TestServers.builder(sink)).startTls()) {
            Reply challenge = c.command("AUTH PLAIN");
            assertThat(challenge.code()).isEqualTo(334);
            assertReply(c.command(b64("\0alice\0wonderland")), 235, "2.7.0");
            assertReply(c.command("AUTH PLAIN " + b64("\0alice\0wonderland")), 503, "5.5.1");
        }
    }

    @Test
    void authLoginExchange() throws Exception {
        try (TestClient c = client(TestServers.builder(sink)).startTls()) {
            Reply user = c.command("AUTH LOGIN");
            assertThat(user.code()).isEqualTo(334);
            assertThat(new String(Base64.getDecoder().decode(user.text()), StandardCharsets.US_ASCII))
                    .isEqualTo("Username:");
            assertThat(c.command(b64("alice")).code()).isEqualTo(334);
            assertReply(c.command(b64("wonderland")), 235, "2.7.0");
        }
    }

    @Test
    void authCancelledWithStar() throws Exception {
        try (TestClient c = client(TestServers.builder(sink)).startTls()) {
            c.command("AUTH LOGIN");
            assertReply(c.command("*"), 501, "5.0.0");
        }
    }

    @Test
    void authWithBadBase64() throws Exception {
        try (TestClient c = client(TestServers.builder(sink)).startTls()) {
            c.command("AUTH LOGIN");
            assertReply(c.command("!!!notbase64"), 501, "5.5.2");
        }
    }

    @Test
    void unknownMechanismIsRefused() throws Exception {
        try (TestClient c = client(TestServers.builder(sink)).startTls()) {
            assertReply(c.command("AUTH CRAM-MD5"), 504, "5.5.4");
        }
    }

    @Test
    void authenticatorFailureIsTemporary() throws Exception {
        SmtpServer.Builder builder = TestServers.builder(sink).authenticator((s, c) -> {
            throw new IllegalStateException("user store down");
        });
        try (TestClient c = client(builder).startTls()) {
            assertReply(c.command("AUTH PLAIN " + b64("\0alice\0wonderland")), 454, "4.7.0");
        }
    }

    @Test
    void submissionRequiresTlsThenAuthBeforeMail() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).requireTls(true).requireAuth(true))) {
            assertReply(c.command("MAIL FROM:<alice@posthorn.test>"), 530, "5.7.0");
            assertReply(c.command("AUTH PLAIN " + b64("\0alice\0wonderland")), 530, "5.7.0");
            c.startTls();
            assertReply(c.command("MAIL FROM:<alice@posthorn.test>"), 530, "5.7.0");
            assertReply(c.command("AUTH PLAIN " + b64("\0alice\0wonderland")), 235, "2.7.0");
            assertReply(c.command("MAIL FROM:<alice@posthorn.test> AUTH=alice@posthorn.test"), 250, "2.1.0");
        }
    }

    @Test
    void authParameterOfAnUnauthenticatedClientIsNotTrusted() throws Exception {
        try (TestClient c = client(TestServers.builder(sink))) {
            c.command("MAIL FROM:<a@client.test> AUTH=someone@client.test");
            c.command("RCPT TO:<alice@posthorn.test>");
            c.command("DATA");
            c.raw("Subject: x\r\n\r\nx\r\n.\r\n");
            assertThat(c.read().code()).isEqualTo(250);
        }
        assertThat(sink.only().envelope().parameters().auth()).isEqualTo("<>");
    }
}
