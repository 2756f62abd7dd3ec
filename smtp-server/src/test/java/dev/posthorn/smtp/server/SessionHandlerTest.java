package dev.posthorn.smtp.server;

import static dev.posthorn.smtp.server.TestClient.assertReply;
import static dev.posthorn.smtp.server.TestClient.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The per-session handler SPI over a real socket: one handler per connection, reset and closed, and chains. */
class SessionHandlerTest extends ServerTest {

    /** Keeps what one session told it (per-session state, no locking: one thread per session). */
    private static final class Recording implements SessionHandler {
        final List<String> calls = new ArrayList<>();
        final List<String> recipients = new ArrayList<>();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
            calls.add("mail");
            return Decision.next();
        }

        @Override
        public Decision rcpt(SessionInfo session, ReversePath from, ForwardPath to, RcptParameters parameters) {
            calls.add("rcpt");
            recipients.add(to.toString());
            return Decision.next();
        }

        @Override
        public Reply data(Envelope envelope, InputStream message) throws IOException {
            message.readAllBytes();
            calls.add("data");
            return Reply.of(250, "2.0.0", "seen " + String.join(",", recipients));
        }

        @Override
        public void reset() {
            calls.add("reset");
            recipients.clear();
        }

        @Override
        public void close() {
            calls.add("close");
            closes.incrementAndGet();
        }
    }

    private final Map<String, Recording> handlers = new ConcurrentHashMap<>();

    private SmtpServer.Builder recording() {
        return SmtpServer.builder().hostname("mx.posthorn.test").handlers(session -> {
            Recording handler = new Recording();
            handlers.put(session.connectionId(), handler);
            return handler;
        });
    }

    private Recording only() {
        await().atMost(Duration.ofSeconds(5)).until(() -> handlers.size() == 1);
        return handlers.values().iterator().next();
    }

    /** MAIL FROM a@client.test and RCPT TO the one recipient, both accepted. */
    private static void envelope(TestClient c, String recipient) throws IOException {
        expect(c.command("MAIL FROM:<a@client.test>"), 250);
        expect(c.command("RCPT TO:<" + recipient + ">"), 250);
    }

    private static Reply message(TestClient c) throws IOException {
        expect(c.command("DATA"), 354);
        return c.command("Subject: x\r\n\r\nbody\r\n.");
    }

    @Test
    void twoConnectionsKeepTheirOwnState() throws Exception {
        server = recording().build().start();
        try (TestClient one = TestClient.connect(server).hello(); TestClient two = TestClient.connect(server).hello()) {
            expect(one.command("MAIL FROM:<a@client.test>"), 250);
            expect(two.command("MAIL FROM:<b@client.test>"), 250);
            expect(one.command("RCPT TO:<x@posthorn.test>"), 250);
            expect(two.command("RCPT TO:<y@posthorn.test>"), 250);
            expect(one.command("RCPT TO:<z@posthorn.test>"), 250);
            assertThat(message(two).text()).isEqualTo("seen <y@posthorn.test>");
            assertThat(message(one).text()).isEqualTo("seen <x@posthorn.test>,<z@posthorn.test>");
        }
        assertThat(handlers).hasSize(2);
    }

    @Test
    void resetAtRsetAndAfterEachMessageAndCloseOnceAfterQuit() throws Exception {
        server = recording().build().start();
        try (TestClient c = TestClient.connect(server).hello()) {
            envelope(c, "x@posthorn.test");
            expect(c.command("RSET"), 250);
            envelope(c, "x@posthorn.test");
            assertThat(message(c).text()).isEqualTo("seen <x@posthorn.test>");
            envelope(c, "y@posthorn.test");
            assertThat(message(c).text()).isEqualTo("seen <y@posthorn.test>"); // the reset cleared the first
            expect(c.command("QUIT"), 221);
        }
        Recording handler = only();
        server.close();
        assertThat(handler.calls).containsExactly("reset", // EHLO
                "mail", "rcpt", "reset", // RSET
                "mail", "rcpt", "data", "reset",
                "mail", "rcpt", "data", "reset",
                "close");
        assertThat(handler.closes).hasValue(1);
    }

    @Test
    void closedOnceWhenTheClientDrops() throws Exception {
        server = recording().build().start();
        try (TestClient c = TestClient.connect(server).hello()) {
            expect(c.command("MAIL FROM:<a@client.test>"), 250);
        }
        Recording handler = only();
        await().atMost(Duration.ofSeconds(5)).until(() -> handler.closes.get() == 1);
        server.close();
        assertThat(handler.closes).hasValue(1);
    }

    @Test
    void closedOnceOnTimeout() throws Exception {
        server = recording().commandTimeout(Duration.ofMillis(300)).build().start();
        try (TestClient c = TestClient.connect(server).hello()) {
            assertReply(c.read(), 421, "4.4.2");
            Recording handler = only();
            await().atMost(Duration.ofSeconds(5)).until(() -> handler.closes.get() == 1);
        }
        server.close();
        assertThat(only().closes).hasValue(1);
    }

    @Test
    void closedOnceWhenTheHandlerFailsMidSession() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        server = SmtpServer.builder().handlers(session -> new SessionHandler() {
            @Override
            public Decision rcpt(SessionInfo s, ReversePath from, ForwardPath to, RcptParameters parameters) {
                throw new IllegalStateException("directory down");
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        }).build().start();
        try (TestClient c = TestClient.connect(server).hello()) {
            expect(c.command("MAIL FROM:<a@client.test>"), 250);
            assertReply(c.command("RCPT TO:<x@posthorn.test>"), 451, "4.3.0");
            assertReply(c.command("RCPT TO:<x@posthorn.test>"), 451, "4.3.0");
            expect(c.command("QUIT"), 221);
        }
        server.close();
        assertThat(closes).hasValue(1);
    }

    /** Refuses RCPT to {@code refused} with {@code reply}, has no opinion on anything else. */
    private record Refusing(String refused, Decision decision) implements SessionHandler {
        @Override
        public Decision rcpt(SessionInfo session, ReversePath from, ForwardPath to, RcptParameters parameters) {
            return to.toString().equals("<" + refused + ">") ? decision : Decision.next();
        }
    }

    @Test
    void aChainAsksOnWhileHandlersPass() throws Exception {
        List<String> taken = new CopyOnWriteArrayList<>();
        SessionHandler sink = new SessionHandler() {
            @Override
            public Reply data(Envelope envelope, InputStream message) throws IOException {
                message.readAllBytes();
                taken.add(envelope.recipients().toString());
                return Reply.of(250, "2.0.0", "taken");
            }
        };
        server = SmtpServer.builder().handlers(session -> SessionHandler.chain(
                new Refusing("a@posthorn.test", Decision.reject(Reply.of(550, "5.1.1", "No a"))),
                new Refusing("b@posthorn.test", Decision.defer(Reply.of(451, "4.3.0", "Later b"))),
                new Refusing("a@posthorn.test", Decision.accept()), // never reached for a: the first answered
                new Refusing("c@posthorn.test", new Decision.Accept(Reply.of(250, "2.1.5", "Welcome c"))),
                new Refusing("c@posthorn.test", Decision.reject(Reply.of(550, "5.1.1", "never asked"))),
                sink)).build().start();
        try (TestClient c = TestClient.connect(server).hello()) {
            expect(c.command("MAIL FROM:<s@client.test>"), 250);
            assertReply(c.command("RCPT TO:<a@posthorn.test>"), 550, "5.1.1");
            assertReply(c.command("RCPT TO:<b@posthorn.test>"), 451, "4.3.0");
            assertThat(c.command("RCPT TO:<c@posthorn.test>").text()).isEqualTo("Welcome c");
            assertReply(c.command("RCPT TO:<d@posthorn.test>"), 250, "2.1.5"); // all passed: accepted
            assertThat(message(c).text()).isEqualTo("taken");
        }
        assertThat(taken).hasSize(1);
    }

    @Test
    void aPolicyChainedBeforeAHandlerObjectsOrLetsItDecide() throws Exception {
        SessionPolicy noSpam = new SessionPolicy() {
            @Override
            public Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
                return from.toString().startsWith("<spam@") ? Decision.reject(Reply.of(550, "5.7.1", "No spam"))
                        : Decision.accept();
            }
        };
        SessionHandler onlyAlice = new SessionHandler() {
            @Override
            public Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
                return from.toString().equals("<alice@client.test>") ? Decision.accept()
                        : Decision.reject(Reply.of(550, "5.7.1", "Alice only"));
            }
        };
        server = SmtpServer.builder().handlers(session -> SessionHandler.chain(SessionHandler.of(noSpam, null),
                onlyAlice)).build().start();
        try (TestClient c = TestClient.connect(server).hello()) {
            assertThat(c.command("MAIL FROM:<spam@client.test>").text()).isEqualTo("No spam");
            assertThat(c.command("MAIL FROM:<bob@client.test>").text()).isEqualTo("Alice only");
            expect(c.command("MAIL FROM:<alice@client.test>"), 250);
            expect(c.command("RCPT TO:<x@posthorn.test>"), 250);
            // Nobody in the chain takes messages: a temporary failure, never a silent loss.
            assertReply(message(c), 451, "4.3.0");
        }
    }

    @Test
    void policyChainEndsAtTheFirstOpinionAndInOrderGoesOnPastPasses() {
        SessionInfo info = new SessionInfo("t-1", new java.net.InetSocketAddress("127.0.0.1", 1),
                new java.net.InetSocketAddress("127.0.0.1", 25), null, false, null, null, false);
        Reply welcome = Reply.of(250, "2.0.0", "Welcome");
        Reply no = Reply.of(554, "5.7.1", "No");
        SessionPolicy pass = new SessionPolicy() {
            @Override
            public Decision connect(SessionInfo session) {
                return Decision.next();
            }
        };
        SessionPolicy accept = new SessionPolicy() {
            @Override
            public Decision connect(SessionInfo session) {
                return new Decision.Accept(welcome);
            }
        };
        SessionPolicy reject = new SessionPolicy() {
            @Override
            public Decision connect(SessionInfo session) {
                return Decision.reject(no);
            }
        };
        assertThat(SessionPolicy.chain(pass, accept, reject).connect(info)).isEqualTo(new Decision.Accept(welcome));
        assertThat(SessionPolicy.chain(pass, reject, accept).connect(info)).isEqualTo(Decision.reject(no));
        assertThat(SessionPolicy.chain(pass, pass).connect(info)).isEqualTo(Decision.next());
        assertThat(SessionPolicy.chain(SessionPolicy.chain(pass), reject).connect(info)).isEqualTo(Decision.reject(no));
        // inOrder: a pass is a plain acceptance, and an acceptance does not end the asking.
        assertThat(SessionPolicy.inOrder(pass, accept, reject).connect(info)).isEqualTo(Decision.reject(no));
        assertThat(SessionPolicy.inOrder(pass, accept).connect(info)).isEqualTo(new Decision.Accept(welcome));
    }

    @Test
    void aFailingFactoryClosesWhatItMadeAndTheClientGets421() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        SessionHandler.Factory first = session -> new SessionHandler() {
            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        SessionHandler.Factory broken = session -> {
            throw new IllegalStateException("no database");
        };
        server = SmtpServer.builder().handlers(SessionHandler.chain(first, broken)).build().start();
        try (TestClient c = TestClient.connect(server)) {
            assertReply(c.read(), 421, "4.3.0");
        }
        assertThat(closes).hasValue(1);
    }

    @Test
    void handlersReplacePolicyAndSink() {
        SessionHandler.Factory factory = session -> new SessionHandler() {
        };
        assertThatThrownBy(() -> SmtpServer.builder().sink(new RecordingSink()).handlers(factory).build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SmtpServer.builder().policy(new SessionPolicy() {
        }).handlers(factory).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SmtpServer.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("session handler factory");
    }
}
