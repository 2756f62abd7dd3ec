package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Limits on connections: per address after accept, in all before accept. */
class ConnectionLimitTest extends ServerTest {

    @Test
    void connectionsBeyondThePerAddressLimitGet421() throws Exception {
        server = TestServers.builder(new RecordingSink()).maxConnectionsPerIp(2).build().start();
        try (TestClient a = TestClient.connect(server); TestClient b = TestClient.connect(server);
             TestClient c = TestClient.connect(server)) {
            assertThat(a.read().code()).isEqualTo(220);
            assertThat(b.read().code()).isEqualTo(220);
            Reply refused = c.read();
            assertThat(refused.code()).isEqualTo(421);
            assertThat(String.valueOf(refused.status())).isEqualTo("4.7.0");
            assertThat(c.closedByServer()).isTrue();
        }
        await().until(() -> server.connectionCount() == 0);
        try (TestClient again = TestClient.connect(server)) {
            assertThat(again.read().code()).isEqualTo(220);
        }
    }

    @Test
    void connectionsBeyondTheTotalWaitUntilOneCloses() throws Exception {
        server = TestServers.builder(new RecordingSink()).maxConnections(1).build().start();
        try (TestClient first = TestClient.connect(server)) {
            assertThat(first.read().code()).isEqualTo(220);
            try (Socket waiting = new Socket("127.0.0.1", server.port())) {
                waiting.setSoTimeout(500);
                // Not accepted yet: no greeting while the first connection holds the only permit.
                assertThat(readsNothing(waiting)).isTrue();
                first.command("QUIT");
                waiting.setSoTimeout(5000);
                byte[] greeting = new byte[3];
                assertThat(waiting.getInputStream().readNBytes(greeting, 0, 3)).isEqualTo(3);
                assertThat(new String(greeting, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("220");
            }
        }
    }

    private static boolean readsNothing(Socket socket) throws Exception {
        try {
            socket.getInputStream().read();
            return false;
        } catch (java.net.SocketTimeoutException e) {
            return true;
        }
    }

    @Test
    void connectPolicyCanTurnClientsAway() throws Exception {
        SessionPolicy policy = new SessionPolicy() {
            @Override
            public Decision connect(SessionInfo session) {
                return Decision.disconnect(Replies.TOO_MANY_CONNECTIONS);
            }
        };
        server = TestServers.builder(new RecordingSink()).policy(policy).build().start();
        try (TestClient c = TestClient.connect(server)) {
            assertThat(c.read().code()).isEqualTo(421);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void trustedClientsAreExemptFromThePerAddressLimit() throws Exception {
        server = TestServers.builder(new RecordingSink()).maxConnectionsPerIp(1)
                .trustedClients(address -> address.isLoopbackAddress()).build().start();
        try (TestClient a = TestClient.connect(server); TestClient b = TestClient.connect(server)) {
            assertThat(a.read().code()).isEqualTo(220);
            assertThat(b.read().code()).isEqualTo(220);
        }
    }

    @Test
    void aRejectedClientGets554AndThenOnlyQuit() throws Exception {
        Reply blocked = Reply.of(554, "5.7.1", "Service unavailable; client [127.0.0.1] blocked using bl.test");
        SessionPolicy policy = new SessionPolicy() {
            @Override
            public Decision connect(SessionInfo session) {
                return Decision.reject(blocked);
            }
        };
        server = TestServers.builder(new RecordingSink()).policy(policy).build().start();
        try (TestClient c = TestClient.connect(server)) {
            assertThat(c.read()).isEqualTo(blocked);
            // RFC 5321 3.1: the server waits for QUIT and answers everything else with 503.
            for (String command : List.of("EHLO client.test", "MAIL FROM:<a@b.test>", "NOOP", "STARTTLS")) {
                TestClient.assertReply(c.command(command), 503, "5.5.1");
            }
            assertThat(c.command("QUIT").code()).isEqualTo(221);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aRejectedClientThatNeverQuitsIsClosedAfterTooManyErrors() throws Exception {
        SessionPolicy policy = new SessionPolicy() {
            @Override
            public Decision connect(SessionInfo session) {
                return Decision.reject(Reply.of(554, "5.7.1", "No"));
            }
        };
        server = TestServers.builder(new RecordingSink()).policy(policy).maxErrors(3).build().start();
        try (TestClient c = TestClient.connect(server)) {
            assertThat(c.read().code()).isEqualTo(554);
            for (int i = 0; i < 3; i++) {
                assertThat(c.command("NOOP").code()).isEqualTo(503);
            }
            TestClient.assertReply(c.command("NOOP"), 421, "4.7.0");
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
