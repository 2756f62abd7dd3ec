package dev.posthorn.smtp.server;

import static dev.posthorn.smtp.server.TestClient.assertReply;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** REQUIRETLS (RFC 8689 2) as the server offers and takes it: only on TLS sessions, only when turned on. */
class RequireTlsDialogueTest extends ServerTest {

    private final RecordingSink sink = new RecordingSink();

    private TestClient client(SmtpServer.Builder builder) throws Exception {
        server = builder.build().start();
        return TestClient.connect(server).hello();
    }

    @Test
    void notAdvertisedOnPlaintextButAfterStartTls() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).offerRequireTls(true))) {
            assertThat(c.command("EHLO client.test").lines()).doesNotContain("REQUIRETLS").contains("STARTTLS");
            c.startTls();
            assertThat(c.command("EHLO client.test").lines()).contains("REQUIRETLS");
        }
    }

    @Test
    void refusedOnPlaintextWithEncryptionNeeded() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).offerRequireTls(true))) {
            assertReply(c.command("MAIL FROM:<a@client.test> REQUIRETLS"), 530, "5.7.10");
            // The refusal ends nothing: the same client can still send without the option.
            assertReply(c.command("MAIL FROM:<a@client.test>"), 250, "2.1.0");
        }
    }

    @Test
    void acceptedAfterStartTlsAndHandedToTheSink() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).offerRequireTls(true)).startTls()) {
            assertReply(c.command("MAIL FROM:<a@client.test> REQUIRETLS"), 250, "2.1.0");
            assertReply(c.command("RCPT TO:<alice@posthorn.test>"), 250, "2.1.5");
            TestClient.expect(c.command("DATA"), 354);
            assertReply(c.command("Subject: t\r\n\r\nbody\r\n."), 250, "2.0.0");
        }
        assertThat(sink.only().envelope().parameters().requireTls()).isTrue();
    }

    @Test
    void withoutTheOptionTheFlagIsClear() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).offerRequireTls(true)).startTls()) {
            assertReply(c.command("MAIL FROM:<a@client.test>"), 250, "2.1.0");
            assertReply(c.command("RCPT TO:<alice@posthorn.test>"), 250, "2.1.5");
            TestClient.expect(c.command("DATA"), 354);
            assertReply(c.command("Subject: t\r\n\r\nbody\r\n."), 250, "2.0.0");
        }
        assertThat(sink.only().envelope().parameters().requireTls()).isFalse();
    }

    @Test
    void aValueOrATwiceGivenOptionIsRefused() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).offerRequireTls(true)).startTls()) {
            assertReply(c.command("MAIL FROM:<a@client.test> REQUIRETLS=YES"), 501, "5.5.4");
            // A keyword given twice: 555 5.5.4, as for every MAIL parameter (EsmtpParameter.parseAll).
            assertReply(c.command("MAIL FROM:<a@client.test> REQUIRETLS REQUIRETLS"), 555, "5.5.4");
            assertReply(c.command("MAIL FROM:<a@client.test> requiretls"), 250, "2.1.0");
        }
    }

    @Test
    void offByDefaultInTheLibrary() throws Exception {
        try (TestClient c = client(TestServers.builder(sink)).startTls()) {
            assertThat(c.command("EHLO client.test").lines()).doesNotContain("REQUIRETLS");
            assertReply(c.command("MAIL FROM:<a@client.test> REQUIRETLS"), 555, "5.5.4");
        }
    }

    @Test
    void notOfferedWithoutTlsCredentials() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).tls(null).offerRequireTls(true))) {
            assertThat(c.command("EHLO client.test").lines()).doesNotContain("REQUIRETLS");
            assertReply(c.command("MAIL FROM:<a@client.test> REQUIRETLS"), 555, "5.5.4");
        }
    }

    @Test
    void advertisedAndAcceptedOnImplicitTls() throws Exception {
        server = TestServers.builder(sink).offerRequireTls(true).implicitTls(true).build().start();
        SSLSocket tls = (SSLSocket) TestClient.trustAll().getSocketFactory().createSocket();
        tls.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        tls.setSoTimeout(5000);
        try (TestClient c = new TestClient(tls)) {
            TestClient.expect(c.read(), 220);
            assertThat(c.command("EHLO client.test").lines()).contains("REQUIRETLS");
            assertReply(c.command("MAIL FROM:<a@client.test> REQUIRETLS"), 250, "2.1.0");
        }
    }
}
