package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.posthorn.smtp.Reply;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** A running server takes new settings for new connections; open sessions keep theirs (a reload). */
class ReconfigureTest extends ServerTest {

    @Test
    void newConnectionsGetTheNewSettingsAndOpenSessionsKeepTheirs() throws Exception {
        SmtpServer.Builder before = TestServers.builder(new RecordingSink()).hostname("before.posthorn.test");
        server = before.build().start();
        try (TestClient open = TestClient.connect(server)) {
            assertThat(open.read().text()).startsWith("before.posthorn.test");

            server.reconfigure(before.hostname("after.posthorn.test").maxMessageSize(2_000));

            try (TestClient fresh = TestClient.connect(server)) {
                assertThat(fresh.read().text()).startsWith("after.posthorn.test");
                Reply ehlo = fresh.command("EHLO client.test");
                assertThat(ehlo.lines()).contains("SIZE 2000");
            }
            Reply ehlo = open.command("EHLO client.test");
            assertThat(ehlo.lines().getFirst()).startsWith("before.posthorn.test");
            assertThat(ehlo.lines()).contains("SIZE 1000000");
        }
    }

    @Test
    void aLargerConnectionLimitLetsAWaitingClientIn() throws Exception {
        SmtpServer.Builder one = TestServers.builder(new RecordingSink()).maxConnections(1);
        server = one.build().start();
        try (TestClient first = TestClient.connect(server); Socket waiting = new Socket("127.0.0.1", server.port())) {
            assertThat(first.read().code()).isEqualTo(220);

            server.reconfigure(one.maxConnections(2));

            waiting.setSoTimeout(5000);
            byte[] greeting = waiting.getInputStream().readNBytes(3);
            assertThat(new String(greeting, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("220");
        }
    }

    @Test
    void aRunningServerCannotMoveToAnotherAddress() throws Exception {
        SmtpServer.Builder builder = TestServers.builder(new RecordingSink());
        server = builder.build().start();
        assertThatIllegalArgumentException().isThrownBy(() -> server.reconfigure(
                builder.bind(new InetSocketAddress("127.0.0.2", 2525)))).withMessageContaining("cannot move");
        try (TestClient still = TestClient.connect(server)) {
            assertThat(still.read().code()).isEqualTo(220);
        }
    }
}
