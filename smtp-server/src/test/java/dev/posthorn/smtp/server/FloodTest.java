package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.smtp.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connection floods, scaled down from bench/flood: slow clients from 40 addresses take every connection the server
 * has (5 from each, its per-address limit), talking a byte at a time; another client from another address must still
 * get its message accepted within seconds, because stress mode cuts the slow ones' deadlines. The normal command and
 * data timeouts stay at five minutes, so without stress mode the other client would wait that long.
 */
class FloodTest extends ServerTest {

    private static final int ADDRESSES = 40;
    private static final int PER_ADDRESS = 5;
    private static final int MAX = ADDRESSES * PER_ADDRESS;
    private static final Stress STRESS = new Stress(80, Duration.ofSeconds(1), Duration.ofSeconds(1));

    private final List<Socket> slow = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    private final StressRecorder events = new StressRecorder();

    /** Counts stress episodes as the embedder sees them. */
    private static final class StressRecorder implements ServerEvents {
        final AtomicInteger began = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();
        final List<String> ends = new CopyOnWriteArrayList<>();

        @Override
        public void stressBegan(int open, int max) {
            began.incrementAndGet();
        }

        @Override
        public void stressEnded(int open, int max) {
            ended.incrementAndGet();
        }

        @Override
        public void sessionEnded(InetSocketAddress remote, SessionEnd end) {
            ends.add(end.name());
        }
    }

    @AfterEach
    void stopClients() throws IOException {
        trickle.shutdownNow();
        for (Socket socket : slow) {
            socket.close();
        }
    }

    private SmtpServer.Builder flooded(RecordingSink sink) {
        return TestServers.builder(sink).maxConnections(MAX).maxConnectionsPerIp(PER_ADDRESS).stress(STRESS)
                .events(events);
    }

    private static InetAddress address(int third, int fourth) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, (byte) third, (byte) fourth});
    }

    /** A client socket from {@code source}, connected to the server (the kernel completes it before accept()). */
    private Socket connectFrom(InetAddress source) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(server.address(), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /**
     * Fills the server with slow clients from 127.0.1.1 .. 127.0.1.40: each reads its greeting, then sends a byte
     * of a command every 300 ms, never a line end.
     */
    private void fill(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Socket socket = connectFrom(address(1, 1 + i % ADDRESSES));
            slow.add(socket);
            byte[] greeting = new byte[4];
            assertThat(socket.getInputStream().readNBytes(greeting, 0, 4)).isEqualTo(4);
            assertThat(new String(greeting, StandardCharsets.US_ASCII)).isEqualTo("220 ");
        }
        trickle.scheduleAtFixedRate(() -> slow.forEach(socket -> {
            try {
                socket.getOutputStream().write('N');
            } catch (IOException e) {
                // cut by the server: that is the point
            }
        }), 0, 300, TimeUnit.MILLISECONDS);
    }

    /** Sends one message from {@code source} and returns the reply to its data. */
    private Reply sendMessage(InetAddress source) throws IOException {
        try (Socket socket = connectFrom(source); TestClient client = new TestClient(socket)) {
            client.hello();
            TestClient.expect(client.command("MAIL FROM:<a@client.test>"), 250);
            TestClient.expect(client.command("RCPT TO:<b@mx.posthorn.test>"), 250);
            TestClient.expect(client.command("DATA"), 354);
            return client.command("Subject: through the flood\r\n\r\nHello\r\n.");
        }
    }

    @Test
    void aClientFromAnotherAddressIsServedWhileSlowClientsHoldEveryConnection() throws Exception {
        RecordingSink sink = new RecordingSink();
        server = flooded(sink).build().start();
        fill(MAX);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.began.get() == 1);

        long start = System.nanoTime();
        Reply reply = sendMessage(address(2, 1));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(reply.code()).isEqualTo(250);
        assertThat(sink.messages).hasSize(1);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(events.ends).contains("TIMEOUT");
        // The slow clients are cut, none comes back: stress ends, once, as it began.
        await().atMost(Duration.ofSeconds(10)).until(() -> events.ended.get() == 1);
        assertThat(events.began.get()).isEqualTo(1);
    }

    @Test
    void idleSessionsOpenBeforeStressAreCutWhenItBegins() throws Exception {
        server = flooded(new RecordingSink()).build().start();
        List<TestClient> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                TestClient client = new TestClient(connectFrom(address(3, 1 + i)));
                client.hello();
                idle.add(client);
            }
            fill(MAX - idle.size());
            await().atMost(Duration.ofSeconds(10)).until(() -> events.began.get() == 1);
            for (TestClient client : idle) {
                TestClient.assertReply(client.read(), 421, "4.4.2");
                assertThat(client.closedByServer()).isTrue();
            }
        } finally {
            for (TestClient client : idle) {
                client.close();
            }
        }
    }

    /** Writes {@code bytes} to {@code out} every 100 ms, from now until the server cuts the connection. */
    private void every100ms(OutputStream out, byte[] bytes) {
        trickle.scheduleAtFixedRate(() -> {
            try {
                out.write(bytes);
            } catch (IOException e) {
                // cut by the server
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    @Test
    void aMessageTricklingInIsCutWhenStressBegins() throws Exception {
        server = flooded(new RecordingSink()).build().start();
        try (TestClient client = new TestClient(connectFrom(address(3, 1)))) {
            client.hello();
            TestClient.expect(client.command("MAIL FROM:<a@client.test>"), 250);
            TestClient.expect(client.command("RCPT TO:<b@mx.posthorn.test>"), 250);
            TestClient.expect(client.command("DATA"), 354);
            OutputStream body = client.socket().getOutputStream();
            every100ms(body, new byte[] {'x'});
            fill(MAX - 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.began.get() == 1);
            TestClient.assertReply(client.read(), 421, "4.4.2");
        }
    }

    @Test
    void aMessageTricklingInIsCutAtTheMinimumDataRate() throws Exception {
        server = TestServers.builder(new RecordingSink()).dataTimeout(Duration.ofSeconds(1)).minDataRate(1000)
                .build().start();
        try (TestClient client = TestClient.connect(server)) {
            client.hello();
            TestClient.expect(client.command("MAIL FROM:<a@client.test>"), 250);
            TestClient.expect(client.command("RCPT TO:<b@mx.posthorn.test>"), 250);
            TestClient.expect(client.command("DATA"), 354);
            OutputStream body = client.socket().getOutputStream();
            // A byte every 100 ms: never idle for the second the data timeout allows between reads.
            every100ms(body, new byte[] {'x'});
            client.socket().setSoTimeout(10_000);
            TestClient.assertReply(client.read(), 421, "4.4.2");
        }
    }

    @Test
    void aMessageTricklingInAsTinyChunksIsCutAtTheMinimumDataRate() throws Exception {
        server = TestServers.builder(new RecordingSink()).dataTimeout(Duration.ofSeconds(1)).minDataRate(1000)
                .build().start();
        try (TestClient client = TestClient.connect(server)) {
            client.hello();
            TestClient.expect(client.command("MAIL FROM:<a@client.test>"), 250);
            TestClient.expect(client.command("RCPT TO:<b@mx.posthorn.test>"), 250);
            OutputStream out = client.socket().getOutputStream();
            // One octet per BDAT every 100 ms: each chunk is quick, the message is not.
            every100ms(out, "BDAT 1\r\nx".getBytes(StandardCharsets.US_ASCII));
            client.socket().setSoTimeout(10_000);
            Reply reply = client.read();
            int chunks = 0;
            while (reply.code() == 250 && ++chunks < 100) { // 10 s of chunks: ten times the deadline
                reply = client.read();
            }
            TestClient.assertReply(reply, 421, "4.4.2");
        }
    }

    @Test
    void aClientThatTakesNoRepliesIsClosedAtTheCommandTimeout() throws Exception {
        server = TestServers.builder(new RecordingSink()).maxRecipients(1_000_000)
                .commandTimeout(Duration.ofSeconds(1)).events(events).build().start();
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        slow.add(socket);
        socket.connect(server.address(), 5000);
        // The greeting first: a client that talks before it is refused as an early talker, not timed out.
        socket.setSoTimeout(5000);
        java.io.InputStream greeting = socket.getInputStream();
        for (int b = greeting.read(); b != '\n'; b = greeting.read()) {
            assertThat(b).isNotEqualTo(-1);
        }
        // Megabytes of replies that are never read: the server's write blocks once the socket buffers are full.
        StringBuilder commands = new StringBuilder("EHLO client.test\r\nMAIL FROM:<a@client.test>\r\n");
        commands.append("RCPT TO:<b@mx.posthorn.test>\r\n".repeat(200_000));
        byte[] bytes = commands.toString().getBytes(StandardCharsets.US_ASCII);
        Thread.ofVirtual().start(() -> {
            try {
                socket.getOutputStream().write(bytes);
            } catch (IOException e) {
                // closed by the server
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> events.ends.contains("TIMEOUT"));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
        assertThat(events.ends).containsExactly("TIMEOUT");
    }

    @Test
    void aPipelinedNoopFloodEndsAfterTheJunkLimitAndStarvesNoOne() throws Exception {
        RecordingSink sink = new RecordingSink();
        server = TestServers.builder(sink).maxJunkCommands(100).maxErrors(20).build().start();
        try (Socket flood = connectFrom(address(1, 1)); TestClient reader = new TestClient(flood)) {
            reader.hello();
            byte[] noops = "NOOP\r\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    flood.getOutputStream().write(noops);
                } catch (IOException e) {
                    // the server closed the connection with much of the flood unread
                }
            });
            assertThat(sendMessage(address(2, 1)).code()).isEqualTo(250);
            int ok = 0;
            Reply reply = reader.read();
            while (reply.code() == 250) {
                ok++;
                reply = reader.read();
            }
            TestClient.assertReply(reply, 421, "4.7.0");
            // EHLO counted as one: 99 NOOPs free, then 21 more as errors (the 21st over maxErrors closes).
            assertThat(ok).isEqualTo(99 + 20);
            assertThat(reader.closedByServer()).isTrue();
            writer.join(Duration.ofSeconds(10));
        }
        assertThat(sink.messages).hasSize(1);
    }
}
