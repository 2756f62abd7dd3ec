package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.BodyType;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/** A real client, Angus Mail (Jakarta Mail), against the embeddable server. */
class AngusMailTest extends ServerTest {

    private final RecordingSink sink = new RecordingSink();

    private Properties properties(SmtpServer started) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(started.port()));
        p.put("mail.smtp.localhost", "client.test");
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "5000");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.ssl.checkserveridentity", "false");
        return p;
    }

    private MimeMessage message(Session session, String subject, String text) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("sender@client.test"));
        message.setRecipients(Message.RecipientType.TO, "alice@posthorn.test, bob@posthorn.test");
        message.setSubject(subject, "UTF-8");
        message.setText(text, "UTF-8");
        return message;
    }

    private static byte[] bytes(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void plainDeliveryArrivesByteExactWithReceivedHeader() throws Exception {
        server = TestServers.builder(sink).build().start();
        Session session = Session.getInstance(properties(server));
        MimeMessage message = message(session, "plain", "Hello\r\n.line with a leading dot\r\n");
        message.saveChanges();
        Transport.send(message);

        RecordingSink.Message received = sink.only();
        assertThat(received.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes(message));
        assertThat(received.text()).startsWith("Received: from client.test ([127.0.0.1])\r\n\tby mx.posthorn.test")
                .contains("with ESMTP id " + received.envelope().id());
        assertThat(received.envelope().recipients()).extracting(r -> r.path().mailbox().toString())
                .containsExactly("alice@posthorn.test", "bob@posthorn.test");
        assertThat(received.envelope().sender().mailbox().toString()).isEqualTo("sender@client.test");
    }

    @Test
    void startTlsUpgradesTheSessionAndIsRecorded() throws Exception {
        server = TestServers.builder(sink).build().start();
        Properties p = properties(server);
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        Transport.send(message(Session.getInstance(p), "tls", "secret"));

        RecordingSink.Message received = sink.only();
        assertThat(received.envelope().session().tls()).isNotNull();
        assertThat(received.envelope().session().tls().protocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(received.text()).contains("with ESMTPS id").contains("(using TLSv1.");
    }

    @Test
    void authPlainAfterStartTls() throws Exception {
        assertAuthenticatesWith("PLAIN");
    }

    @Test
    void authLoginAfterStartTls() throws Exception {
        assertAuthenticatesWith("LOGIN");
    }

    private void assertAuthenticatesWith(String mechanism) throws Exception {
        server = TestServers.builder(sink).build().start();
        Properties p = properties(server);
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.auth.mechanisms", mechanism);
        Session session = Session.getInstance(p);
        Transport.send(message(session, "auth " + mechanism, "hi"), "alice", "wonderland");

        RecordingSink.Message received = sink.only();
        assertThat(received.envelope().session().authenticatedUser()).isEqualTo("alice");
        assertThat(received.text()).contains("with ESMTPSA id");
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        server = TestServers.builder(sink).build().start();
        Properties p = properties(server);
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.auth", "true");
        Session session = Session.getInstance(p);
        assertThatThrownBy(() -> Transport.send(message(session, "x", "y"), "alice", "wrong"))
                .isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("535 5.7.8");
        assertThat(sink.messages).isEmpty();
    }

    @Test
    void eightBitBodyIsDeclaredAndKept() throws Exception {
        server = TestServers.builder(sink).build().start();
        Session session = Session.getInstance(properties(server));
        SMTPMessage message = new SMTPMessage(session);
        message.setFrom(new InternetAddress("sender@client.test"));
        message.setRecipients(Message.RecipientType.TO, "alice@posthorn.test");
        message.setSubject("8bit", "UTF-8");
        message.setText("Grüße aus Köln, ½ € — ünïcödé\r\n", "UTF-8");
        message.saveChanges();
        message.setHeader("Content-Transfer-Encoding", "8bit");
        message.setMailExtension("BODY=8BITMIME");
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, message.getAllRecipients());
        }

        RecordingSink.Message received = sink.only();
        assertThat(received.envelope().parameters().body()).isEqualTo(BodyType.EIGHT_BIT_MIME);
        assertThat(received.text()).contains("Content-Transfer-Encoding: 8bit", "Grüße aus Köln, ½ € — ünïcödé");
        assertThat(received.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes(message));
    }

    @Test
    void utf8AddressTravelsWithSmtpUtf8() throws Exception {
        server = TestServers.builder(sink).build().start();
        Properties p = properties(server);
        p.put("mail.mime.allowutf8", "true");
        Session session = Session.getInstance(p);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("jösé@client.test"));
        message.setRecipients(Message.RecipientType.TO, InternetAddress.parse("ålice@pösthorn.test"));
        message.setSubject("utf8 address", "UTF-8");
        message.setText("hej", "UTF-8");
        Transport.send(message);

        RecordingSink.Message received = sink.only();
        assertThat(received.envelope().parameters().smtpUtf8()).isTrue();
        assertThat(received.envelope().sender().mailbox().toString()).isEqualTo("jösé@client.test");
        assertThat(received.envelope().recipients().getFirst().path().mailbox().toString())
                .isEqualTo("ålice@pösthorn.test");
        assertThat(received.text()).contains("with UTF8SMTP id");
    }

    /**
     * The certificate a server generates for itself, trusted by the client (as a developer does by importing it), is
     * accepted with the server identity check on when the client connects to 127.0.0.1, as with the defaults.
     */
    @Test
    void generatedCertificatePassesTheIdentityCheckAtTheLoopbackAddress(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("tls/cert.pem");
        ServerTls tls = ServerTls.selfSignedFiles("localhost", cert, dir.resolve("tls/key.pem"));
        server = TestServers.builder(sink).tls(tls).implicitTls(true).build().start();
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trusted.setCertificateEntry("posthorn", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        Properties p = new Properties();
        p.put("mail.smtps.host", "127.0.0.1");
        p.put("mail.smtps.port", String.valueOf(server.port()));
        p.put("mail.smtps.localhost", "client.test");
        p.put("mail.smtps.connectiontimeout", "5000");
        p.put("mail.smtps.timeout", "5000");
        p.put("mail.smtps.ssl.socketFactory", context.getSocketFactory());
        p.put("mail.smtps.ssl.checkserveridentity", "true");
        Session session = Session.getInstance(p);
        MimeMessage message = message(session, "identity", "checked");
        try (Transport transport = session.getTransport("smtps")) {
            transport.connect("alice", "wonderland");
            transport.sendMessage(message, message.getAllRecipients());
        }
        assertThat(sink.only().envelope().session().tls()).isNotNull();
    }

    @Test
    void implicitTlsServerTalksTlsFromTheFirstByte() throws Exception {
        server = TestServers.builder(sink).implicitTls(true).build().start();
        Properties p = properties(server);
        p.put("mail.smtps.host", "127.0.0.1");
        p.put("mail.smtps.port", String.valueOf(server.port()));
        p.put("mail.smtps.ssl.trust", "*");
        p.put("mail.smtps.ssl.checkserveridentity", "false");
        p.put("mail.smtps.auth", "true");
        p.put("mail.smtps.localhost", "client.test");
        Session session = Session.getInstance(p);
        MimeMessage message = message(session, "smtps", "over implicit TLS");
        try (Transport transport = session.getTransport("smtps")) {
            transport.connect("alice", "wonderland");
            transport.sendMessage(message, message.getAllRecipients());
        }
        RecordingSink.Message received = sink.only();
        assertThat(received.envelope().session().tls()).isNotNull();
        assertThat(received.envelope().session().authenticatedUser()).isEqualTo("alice");
    }
}
