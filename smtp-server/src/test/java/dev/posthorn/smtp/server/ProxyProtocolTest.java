package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.smtp.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A server behind a proxy that speaks the PROXY protocol: the client the header names is the session's client. */
class ProxyProtocolTest extends ServerTest {

    private final RecordingSink sink = new RecordingSink();

    private SmtpServer.Builder proxied() {
        return TestServers.builder(sink).proxyProtocol(InetAddress::isLoopbackAddress);
    }

    private TestClient through(byte[] header) throws IOException {
        return TestClient.connect(server).raw(header);
    }

    private static byte[] v1(String client, int port) {
        return ("PROXY TCP4 " + client + " 127.0.0.1 " + port + " 25\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Whether the server closed the connection without sending one octet: the end of the stream, or a reset (a server
     * closing with the client's octets unread resets the connection), before the client's read timeout.
     */
    private static boolean closedWithoutAByte(Socket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private void sendsOneMessage(TestClient client) throws IOException {
        client.hello();
        TestClient.expect(client.command("MAIL FROM:<a@client.test>"), 250);
        TestClient.expect(client.command("RCPT TO:<b@posthorn.test>"), 250);
        TestClient.expect(client.command("DATA"), 354);
        TestClient.expect(client.command("Subject: hi\r\n\r\nhello\r\n."), 250);
        TestClient.expect(client.command("QUIT"), 221);
    }

    @Test
    void aV1HeaderNamesTheClientOfTheReceivedFieldAndTheSession() throws IOException {
        server = proxied().build().start();
        try (TestClient client = through(v1("203.0.113.7", 40001))) {
            sendsOneMessage(client);
        }
        RecordingSink.Message message = sink.only();
        assertThat(message.envelope().session().remote())
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 40001));
        assertThat(message.text()).startsWith("Received: from client.test ([203.0.113.7])\r\n");
    }

    @Test
    void aV2HeaderNamesTheClientToo() throws IOException {
        server = proxied().build().start();
        InetSocketAddress client = ProxyHeaderTest.at("2001:db8::7", 40002);
        try (TestClient c = through(ProxyHeaderTest.v2(client, ProxyHeaderTest.at("2001:db8::1", 25), 40))) {
            assertThat(c.read().code()).isEqualTo(220);
            assertThat(c.command("EHLO client.test").lines().get(0)).contains("Hello [IPv6:2001:db8::7]");
            TestClient.expect(c.command("MAIL FROM:<a@client.test>"), 250);
            TestClient.expect(c.command("RCPT TO:<b@posthorn.test>"), 250);
            TestClient.expect(c.command("DATA"), 354);
            TestClient.expect(c.command("\r\nhello\r\n."), 250);
        }
        assertThat(sink.only().envelope().session().remote()).isEqualTo(client);
        assertThat(sink.only().text()).startsWith("Received: from client.test ([IPv6:2001:db8::7])\r\n");
    }

    @Test
    void aLocalHeaderLeavesTheProxyAsTheClient() throws IOException {
        server = proxied().build().start();
        try (TestClient c = through(ProxyHeaderTest.v2(0, 0x11, new byte[12]))) {
            sendsOneMessage(c);
        }
        assertThat(sink.only().envelope().session().remote().getAddress())
                .isEqualTo(InetAddress.getLoopbackAddress());
    }

    @Test
    void aConnectionFromOutsideTheProxiesIsClosedWithoutAByte() throws IOException {
        server = TestServers.builder(sink).proxyProtocol(address -> false).build().start();
        try (TestClient c = through(v1("203.0.113.7", 40003))) {
            assertThat(closedWithoutAByte(c.socket())).isTrue();
        }
        await().until(() -> server.connectionCount() == 0);
    }

    @Test
    void aMalformedHeaderIsClosedWithoutAByte() throws IOException {
        server = proxied().build().start();
        for (String bad : List.of("EHLO client.test\r\n", "PROXY TCP4 203.0.113.777 127.0.0.1 1 25\r\n",
                "PROXY " + "x".repeat(200))) {
            try (TestClient c = through(bad.getBytes(StandardCharsets.US_ASCII))) {
                assertThat(closedWithoutAByte(c.socket())).as(bad).isTrue();
            }
        }
        assertThat(sink.messages).isEmpty();
    }

    @Test
    void aMissingHeaderTimesOutWithoutAByte() throws IOException {
        server = proxied().commandTimeout(Duration.ofMillis(300)).build().start();
        try (TestClient c = TestClient.connect(server)) {
            long start = System.nanoTime();
            assertThat(closedWithoutAByte(c.socket())).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void aHeaderTrickledPastTheDeadlineTimesOut() throws IOException, InterruptedException {
        server = proxied().commandTimeout(Duration.ofMillis(400)).build().start();
        try (TestClient c = TestClient.connect(server)) {
            byte[] header = v1("203.0.113.7", 40004);
            boolean closed = false;
            for (int i = 0; i < header.length && !closed; i++) {
                try {
                    c.raw(new byte[] {header[i]});
                    Thread.sleep(50); // the client's pace is what is tested: each octet well within any read timeout
                } catch (IOException e) {
                    closed = true;
                }
            }
            assertThat(closedWithoutAByte(c.socket())).isTrue();
        }
        assertThat(sink.messages).isEmpty();
    }

    @Test
    void thePerAddressLimitCountsTheOriginalClientsNotTheProxy() throws IOException {
        server = proxied().maxConnectionsPerIp(1).build().start();
        try (TestClient a = through(v1("203.0.113.7", 40005)); TestClient b = through(v1("203.0.113.8", 40006))) {
            assertThat(a.read().code()).isEqualTo(220);
            assertThat(b.read().code()).isEqualTo(220);
            try (TestClient again = through(v1("203.0.113.7", 40007))) {
                Reply refused = again.read();
                assertThat(refused.code()).isEqualTo(421);
                assertThat(again.closedByServer()).isTrue();
            }
        }
        await().until(() -> server.connectionCount() == 0);
        try (TestClient later = through(v1("203.0.113.7", 40008))) {
            assertThat(later.read().code()).isEqualTo(220);
        }
    }

    @Test
    void trustIsDecidedOnTheOriginalClient() throws IOException {
        // The proxy is on loopback, which is trusted; its clients are not, and keep the per-address limit.
        server = proxied().maxConnectionsPerIp(1).trustedClients(InetAddress::isLoopbackAddress).build().start();
        try (TestClient a = through(v1("203.0.113.9", 40009))) {
            assertThat(a.read().code()).isEqualTo(220);
            try (TestClient b = through(v1("203.0.113.9", 40010))) {
                assertThat(b.read().code()).isEqualTo(421);
            }
        }
    }

    @Test
    void theEventsSeeTheOriginalClient() throws IOException {
        List<InetSocketAddress> opened = new CopyOnWriteArrayList<>();
        List<InetSocketAddress> closed = new CopyOnWriteArrayList<>();
        server = proxied().events(new ServerEvents() {
            @Override
            public void connectionOpened(InetSocketAddress remote) {
                opened.add(remote);
            }

            @Override
            public void connectionClosed(InetSocketAddress remote) {
                closed.add(remote);
            }
        }).build().start();
        try (TestClient c = through(v1("203.0.113.10", 40011))) {
            sendsOneMessage(c);
        }
        InetSocketAddress client = ProxyHeaderTest.at("203.0.113.10", 40011);
        await().until(() -> closed.size() == 1);
        assertThat(opened).containsExactly(client);
        assertThat(closed).containsExactly(client);
    }

    @Test
    void withoutTheProtocolAHeaderIsJustABadCommand() throws IOException {
        server = TestServers.builder(sink).build().start();
        try (TestClient c = TestClient.connect(server)) {
            assertThat(c.read().code()).isEqualTo(220);
            assertThat(c.command("PROXY TCP4 203.0.113.7 127.0.0.1 1 25").code()).isEqualTo(500);
        }
    }

    @Test
    void aShutdownClosesConnectionsWaitingForTheirHeader() throws IOException {
        server = proxied().build().start();
        try (Socket waiting = new Socket()) {
            waiting.connect(server.address(), 5000);
            waiting.setSoTimeout(5000);
            server.shutdown(Duration.ofSeconds(1));
            assertThat(closedWithoutAByte(waiting)).isTrue();
        }
    }
}
