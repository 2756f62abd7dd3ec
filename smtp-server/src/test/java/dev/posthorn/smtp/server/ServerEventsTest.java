package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The events a server tells its embedder, seen from a real client (Angus Mail) and raw sockets. */
class ServerEventsTest extends ServerTest {

    /** Every event as one line, in order. */
    private static final class Recorder implements ServerEvents {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void connectionOpened(InetSocketAddress remote) {
            events.add("opened " + remote.getAddress().getHostAddress());
        }

        @Override
        public void connectionClosed(InetSocketAddress remote) {
            events.add("closed " + remote.getAddress().getHostAddress());
        }

        @Override
        public void connectionRefused(InetSocketAddress remote, Refusal refusal, Reply reply) {
            events.add("refused " + refusal + " " + reply.code());
        }

        @Override
        public void sessionEnded(InetSocketAddress remote, SessionEnd end) {
            events.add("ended " + end);
        }

        @Override
        public void tlsEstablished(InetSocketAddress remote, SessionInfo.TlsInfo tls) {
            events.add("tls " + tls.protocol());
        }

        @Override
        public void authenticated(SessionInfo session, String mechanism, String user, Authenticator.AuthResult result) {
            events.add("auth " + mechanism + " " + user + " " + result.getClass().getSimpleName());
        }

        @Override
        public void messageAccepted(SessionInfo session, Reply reply) {
            events.add("accepted " + reply.code());
        }

        @Override
        public void messageRefused(SessionInfo session, Reply reply) {
            events.add("message refused " + reply.status());
        }

        @Override
        public void recipientRefused(SessionInfo session, Reply reply) {
            events.add("recipient refused " + reply.status());
        }

        @Override
        public void bytesReceived(SessionInfo session, long octets) {
            events.add("bytes " + octets);
        }

        /** The events once the connection is closed (the last event of each). */
        List<String> whenClosed(int connections) {
            await().until(() -> events.stream().filter(e -> e.startsWith("closed ")).count() == connections);
            return List.copyOf(events);
        }
    }

    private final Recorder recorder = new Recorder();
    private final RecordingSink sink = new RecordingSink();

    private Properties properties() {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(server.port()));
        p.put("mail.smtp.localhost", "client.test");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.ssl.checkserveridentity", "false");
        return p;
    }

    private static MimeMessage message(Properties properties, String to) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress("sender@client.test"));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setSubject("events");
        message.setText("Hello\r\n");
        message.saveChanges();
        return message;
    }

    private static int size(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.size();
    }

    @Test
    void anAcceptedMessageIsToldWithItsOctetsAndTheSessionEndsWithQuit() throws Exception {
        server = TestServers.builder(sink).events(recorder).build().start();
        MimeMessage message = message(properties(), "alice@posthorn.test");
        Transport.send(message);

        assertThat(recorder.whenClosed(1)).containsExactly("opened 127.0.0.1", "accepted 250",
                "bytes " + size(message), "ended QUIT", "closed 127.0.0.1");
        assertThat(sink.only().bytes().length).isGreaterThan(size(message)); // the Received field is not counted
    }

    @Test
    void tlsAndAuthAreToldWithProtocolMechanismAndUserName() throws Exception {
        server = TestServers.builder(sink).events(recorder).build().start();
        Properties p = properties();
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.auth.mechanisms", "LOGIN");
        assertThatThrownBy(() -> Transport.send(message(p, "alice@posthorn.test"), "mallory", "guess"))
                .isInstanceOf(AuthenticationFailedException.class);
        p.put("mail.smtp.auth.mechanisms", "PLAIN");
        Transport.send(message(p, "alice@posthorn.test"), "alice", "wonderland");

        assertThat(recorder.whenClosed(2)).containsSubsequence("tls TLSv1.3", "auth LOGIN mallory Failure",
                        "tls TLSv1.3", "auth PLAIN alice Success", "accepted 250", "ended QUIT")
                .noneMatch(e -> e.contains("guess") || e.contains("wonderland"));
    }

    @Test
    void refusalsAtMailRcptAndEndOfDataAreToldWithTheirStatus() throws Exception {
        SessionPolicy policy = new SessionPolicy() {
            @Override
            public Decision rcpt(SessionInfo session, dev.posthorn.smtp.ReversePath from, dev.posthorn.smtp.ForwardPath to,
                                 dev.posthorn.smtp.RcptParameters parameters) {
                return to.mailbox().toString().startsWith("nobody") ? Decision.reject(Replies.NO_SUCH_USER)
                        : Decision.accept();
            }
        };
        MessageSink refusing = (envelope, message) -> {
            message.transferTo(java.io.OutputStream.nullOutputStream());
            return Reply.of(554, "5.7.1", "Refused by content");
        };
        server = TestServers.builder(refusing).policy(policy).requireTls(true).events(recorder).build().start();
        Properties plain = properties();
        assertThatThrownBy(() -> Transport.send(message(plain, "alice@posthorn.test")))
                .hasStackTraceContaining("530");
        Properties tls = properties();
        tls.put("mail.smtp.starttls.enable", "true");
        assertThatThrownBy(() -> Transport.send(message(tls, "nobody@posthorn.test")))
                .isInstanceOf(SendFailedException.class);
        assertThatThrownBy(() -> Transport.send(message(tls, "alice@posthorn.test")))
                .hasStackTraceContaining("554 5.7.1");

        List<String> events = recorder.whenClosed(3);
        assertThat(events).filteredOn(e -> e.contains("refused"))
                .containsExactly("message refused 5.7.0", "recipient refused 5.1.1", "message refused 5.7.1");
        assertThat(events).noneMatch(e -> e.startsWith("accepted"));
    }

    @Test
    void aConnectionOverThePerAddressLimitIsRefusedWithoutASession() throws Exception {
        server = TestServers.builder(sink).maxConnectionsPerIp(1).events(recorder).build().start();
        try (TestClient first = TestClient.connect(server)) {
            assertThat(first.read().code()).isEqualTo(220);
            try (TestClient second = TestClient.connect(server)) {
                assertThat(second.read().code()).isEqualTo(421);
                await().until(() -> recorder.events.contains("closed 127.0.0.1"));
            }
        }
        assertThat(recorder.whenClosed(2)).containsExactly("opened 127.0.0.1", "opened 127.0.0.1",
                "refused PER_IP_LIMIT 421", "closed 127.0.0.1", "ended DROPPED", "closed 127.0.0.1");
    }

    @Test
    void aClientThatKeepsFailingEndsWithTooManyErrors() throws Exception {
        server = TestServers.builder(sink).maxErrors(2).events(recorder).build().start();
        try (TestClient client = TestClient.connect(server)) {
            client.read();
            client.command("MAIL FROM:<a@b.test>");
            client.command("RCPT TO:<c@d.test>");
            assertThat(client.command("DATA").code()).isEqualTo(421);
        }
        assertThat(recorder.whenClosed(1)).containsExactly("opened 127.0.0.1", "ended TOO_MANY_ERRORS",
                "closed 127.0.0.1");
    }

    @Test
    void aFailedTlsHandshakeEndsTheSessionAsTlsFailure() throws Exception {
        server = TestServers.builder(sink).implicitTls(true).events(recorder).build().start();
        try (TestClient client = TestClient.connect(server)) {
            client.raw("EHLO not-tls.test\r\n"); // plaintext where a ClientHello belongs
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(recorder.whenClosed(1)).containsExactly("opened 127.0.0.1", "ended TLS_FAILURE",
                "closed 127.0.0.1");
    }

    @Test
    void anEventThatThrowsChangesNothingInTheSession() throws Exception {
        ServerEvents failing = new ServerEvents() {
            @Override
            public void connectionOpened(InetSocketAddress remote) {
                throw new IllegalStateException("counting failed");
            }

            @Override
            public void messageAccepted(SessionInfo session, Reply reply) {
                throw new IllegalStateException("counting failed");
            }

            @Override
            public void sessionEnded(InetSocketAddress remote, SessionEnd end) {
                throw new IllegalStateException("counting failed");
            }
        };
        server = TestServers.builder(sink).maxConnections(1).events(failing).build().start();
        for (int i = 0; i < 2; i++) { // the second send needs the first connection's permit back
            Transport.send(message(properties(), "alice@posthorn.test"));
        }
        assertThat(sink.messages).hasSize(2);
    }
}
