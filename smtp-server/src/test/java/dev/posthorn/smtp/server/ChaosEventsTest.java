package dev.posthorn.smtp.server;

import static dev.posthorn.smtp.server.TestClient.assertReply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.smtp.Reply;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What the embedder's {@link ServerEvents} hear of a fault at the end of data: only what the client was told. A
 * hang-up sends no reply, so the message is neither accepted nor refused (it is lost as on a broken connection).
 */
class ChaosEventsTest extends ServerTest {

    /** The message and session events, one line each, in order. */
    private static final class Recorder implements ServerEvents {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void sessionEnded(InetSocketAddress remote, SessionEnd end) {
            events.add("ended " + end);
        }

        @Override
        public void messageAccepted(SessionInfo session, Reply reply) {
            events.add("accepted " + reply.code());
        }

        @Override
        public void messageRefused(SessionInfo session, Reply reply) {
            events.add("refused " + reply.code());
        }

        @Override
        public void bytesReceived(SessionInfo session, long octets) {
            events.add("bytes");
        }
    }

    private final Recorder recorder = new Recorder();

    /** Starts a server with {@code rule}; a client that has said the message's text up to its final dot. */
    private TestClient sendOne(String rule) throws Exception {
        Chaos chaos = Chaos.seeded(1);
        chaos.set(Chaos.parse(rule));
        server = TestServers.builder(new RecordingSink()).chaos(chaos).events(recorder).build().start();
        TestClient c = TestClient.connect(server).hello();
        assertReply(c.command("MAIL FROM:<a@client.test>"), 250, "2.1.0");
        assertReply(c.command("RCPT TO:<b@posthorn.test>"), 250, "2.1.5");
        TestClient.expect(c.command("DATA"), 354);
        c.send("Subject: x\r\n\r\nbody\r\n.");
        return c;
    }

    private List<String> eventsOnceEnded() {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> recorder.events.stream().anyMatch(event -> event.startsWith("ended ")));
        return recorder.events;
    }

    @Test
    void disconnectAtEndOfDataRefusesNoMessage() throws Exception {
        try (TestClient c = sendOne("end-of-data:disconnect")) {
            assertThat(c.readToEnd()).isEmpty();
        }
        assertThat(eventsOnceEnded()).containsExactly("bytes", "ended DISCONNECTED");
    }

    @Test
    void stallAtEndOfDataRefusesNoMessage() throws Exception {
        try (TestClient c = sendOne("end-of-data:stall=100ms")) {
            assertThat(c.readToEnd()).isEmpty();
        }
        assertThat(eventsOnceEnded()).containsExactly("bytes", "ended DISCONNECTED");
    }

    @Test
    void replyAtEndOfDataIsTheRefusalTheClientSaw() throws Exception {
        try (TestClient c = sendOne("end-of-data:reply=452 4.3.1 Full")) {
            assertReply(c.read(), 452, "4.3.1");
            TestClient.expect(c.command("QUIT"), 221);
        }
        assertThat(eventsOnceEnded()).containsExactly("refused 452", "bytes", "ended QUIT");
    }
}
