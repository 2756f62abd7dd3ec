package dev.posthorn.smtp.server;

import static dev.posthorn.smtp.server.TestClient.assertReply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Faults on purpose, seen by a client over a real socket: per stage and per kind of fault. */
class ChaosTest extends ServerTest {

    private final RecordingSink sink = new RecordingSink();
    private final AtomicInteger sinkCalls = new AtomicInteger();
    private final Chaos chaos = Chaos.seeded(42);

    private TestClient start(String... rules) throws Exception {
        for (String rule : rules) {
            chaos.set(Chaos.parse(rule));
        }
        MessageSink counting = (envelope, message) -> {
            sinkCalls.incrementAndGet();
            return sink.receive(envelope, message);
        };
        server = TestServers.builder(counting).authRequiresTls(false).chaos(chaos).build().start();
        return TestClient.connect(server);
    }

    private static void transaction(TestClient c) throws Exception {
        assertReply(c.command("MAIL FROM:<a@client.test>"), 250, "2.1.0");
        assertReply(c.command("RCPT TO:<b@posthorn.test>"), 250, "2.1.5");
    }

    private static Reply message(TestClient c) throws Exception {
        TestClient.expect(c.command("DATA"), 354);
        return c.command("Subject: chaos\r\n\r\nbody\r\n.");
    }

    @Test
    void rcptReplyIsWhatTheClientSeesAndGoesWhenTheRuleIsCleared() throws Exception {
        try (TestClient c = start("rcpt:reply=451 4.3.0 Try again later").hello()) {
            assertReply(c.command("MAIL FROM:<a@client.test>"), 250, "2.1.0");
            Reply refused = c.command("RCPT TO:<b@posthorn.test>");
            assertReply(refused, 451, "4.3.0");
            assertThat(refused.text()).isEqualTo("Try again later");
            chaos.clear(Chaos.Stage.RCPT); // at run time, on the open connection
            assertReply(c.command("RCPT TO:<b@posthorn.test>"), 250, "2.1.5");
            assertReply(message(c), 250, "2.0.0");
        }
        assertThat(sink.only().envelope().recipients()).hasSize(1);
    }

    @Test
    void probabilityZeroNeverFires() throws Exception {
        try (TestClient c = start("rcpt:reply=451 4.3.0 Never:p=0").hello()) {
            assertReply(c.command("MAIL FROM:<a@client.test>"), 250, "2.1.0");
            for (int i = 0; i < 50; i++) {
                assertReply(c.command("RCPT TO:<b" + i + "@posthorn.test>"), 250, "2.1.5");
            }
        }
    }

    @Test
    void connectWith554RefusesEverythingButQuit() throws Exception {
        try (TestClient c = start("connect:reply=554 5.7.1 Go away", "ehlo:reply=421 4.3.0 Not drawn")) {
            assertReply(c.read(), 554, "5.7.1");
            assertReply(c.command("EHLO client.test"), 503, "5.5.1"); // a refused session draws no more
            assertReply(c.command("MAIL FROM:<a@client.test>"), 503, "5.5.1");
            assertReply(c.command("QUIT"), 221, "2.0.0");
        }
    }

    @Test
    void connectWith421Closes() throws Exception {
        try (TestClient c = start("connect:reply=421 4.3.2 Busy")) {
            assertReply(c.read(), 421, "4.3.2");
            assertThat(c.readToEnd()).isEmpty();
        }
    }

    @Test
    void connectDisconnectSendsNoGreeting() throws Exception {
        try (TestClient c = start("connect:disconnect")) {
            assertThat(c.readToEnd()).isEmpty();
        }
    }

    @Test
    void connectStallSendsNothingThenCloses() throws Exception {
        try (TestClient c = start("connect:stall=200ms")) {
            c.send("EHLO client.test"); // read and dropped
            assertThat(c.readToEnd()).isEmpty();
        }
    }

    @Test
    void connectDelayHoldsTheGreeting() throws Exception {
        try (TestClient c = start("connect:delay=300ms")) {
            long start = System.nanoTime();
            TestClient.expect(c.read(), 220);
            // Measured from after the connect, so the greeting can only be later than this, never earlier.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void ehloAndHeloGetTheReply() throws Exception {
        try (TestClient c = start("helo:reply=550 5.7.1 Not you")) {
            TestClient.expect(c.read(), 220);
            assertReply(c.command("EHLO client.test"), 550, "5.7.1");
            assertReply(c.command("HELO client.test"), 550, "5.7.1");
            assertReply(c.command("MAIL FROM:<a@client.test>"), 503, "5.5.1"); // the greeting never happened
        }
    }

    @Test
    void authGetsTheReply() throws Exception {
        try (TestClient c = start("auth:reply=454 4.7.0 Temporary authentication failure").hello()) {
            assertReply(c.command("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ="), 454, "4.7.0");
            chaos.clear(Chaos.Stage.AUTH);
            assertReply(c.command("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ="), 235, "2.7.0");
        }
    }

    @Test
    void mailGetsTheReplyAndNoTransactionStarts() throws Exception {
        try (TestClient c = start("mail:reply=452 4.3.1 Out of room").hello()) {
            assertReply(c.command("MAIL FROM:<a@client.test>"), 452, "4.3.1");
            assertReply(c.command("RCPT TO:<b@posthorn.test>"), 503, "5.5.1");
        }
    }

    @Test
    void dataGetsTheReplyAndNoMessageIsTaken() throws Exception {
        try (TestClient c = start("data:reply=554 5.3.0 No data today").hello()) {
            transaction(c);
            assertReply(c.command("DATA"), 554, "5.3.0");
            assertReply(c.command("RSET"), 250, "2.0.0");
        }
        assertThat(sinkCalls).hasValue(0);
    }

    @Test
    void bdatFirstChunkGetsTheReplyAndTheSessionStaysInStep() throws Exception {
        try (TestClient c = start("data:reply=451 4.3.0 Not now").hello()) {
            transaction(c);
            c.raw("BDAT 12 LAST\r\nSubject: x\r\n");
            assertReply(c.read(), 451, "4.3.0");
            assertReply(c.command("NOOP"), 250, "2.0.0"); // the chunk's octets were not taken for commands
        }
        assertThat(sinkCalls).hasValue(0);
    }

    @Test
    void endOfDataReplyDiscardsTheMessageWithoutCallingTheSink() throws Exception {
        try (TestClient c = start("end-of-data:reply=451 4.3.0 Lost it").hello()) {
            transaction(c);
            assertReply(message(c), 451, "4.3.0");
            assertReply(c.command("NOOP"), 250, "2.0.0");
            chaos.clear(Chaos.Stage.END_OF_DATA);
            transaction(c);
            assertReply(message(c), 250, "2.0.0");
        }
        assertThat(sinkCalls).hasValue(1); // only the second message
        assertThat(sink.messages).hasSize(1);
    }

    @Test
    void endOfDataBdatReplyDiscardsTheMessage() throws Exception {
        try (TestClient c = start("eod:reply=554 5.6.0 Nope").hello()) {
            transaction(c);
            c.raw("BDAT 12 LAST\r\nSubject: x\r\n");
            assertReply(c.read(), 554, "5.6.0");
        }
        assertThat(sinkCalls).hasValue(0);
    }

    @Test
    void endOfDataDelayHoldsTheReplyAfterTheSinkTookTheMessage() throws Exception {
        try (TestClient c = start("end_of_data:delay=2s").hello()) {
            transaction(c);
            TestClient.expect(c.command("DATA"), 354);
            c.send("Subject: slow\r\n\r\nbody\r\n.");
            CompletableFuture<Reply> reply = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.read();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.messages.size() == 1);
            assertThat(reply).isNotDone(); // the sink has it; the client still waits
            assertReply(reply.get(), 250, "2.0.0");
        }
    }

    @Test
    void mailDelayThenGoesOnAsUsual() throws Exception {
        try (TestClient c = start("mail:delay=300ms").hello()) {
            long start = System.nanoTime();
            assertReply(c.command("MAIL FROM:<a@client.test>"), 250, "2.1.0");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void rcptDisconnectClosesWithoutAReply() throws Exception {
        try (TestClient c = start("rcpt:disconnect").hello()) {
            assertReply(c.command("MAIL FROM:<a@client.test>"), 250, "2.1.0");
            c.send("RCPT TO:<b@posthorn.test>");
            assertThat(c.readToEnd()).isEmpty();
        }
    }

    @Test
    void pipelinedRepliesBeforeADisconnectStillGoOut() throws Exception {
        try (TestClient c = start("rcpt:disconnect").hello()) {
            c.raw("MAIL FROM:<a@client.test>\r\nRCPT TO:<b@posthorn.test>\r\n");
            assertReply(c.read(), 250, "2.1.0");
            assertThat(c.readToEnd()).isEmpty();
        }
    }

    @Test
    void endOfDataDisconnectKeepsNothing() throws Exception {
        assertEndOfDataGetsNoReplyAndKeepsNothing("end-of-data:disconnect");
    }

    @Test
    void endOfDataStallKeepsNothing() throws Exception {
        assertEndOfDataGetsNoReplyAndKeepsNothing("eod:stall=200ms");
    }

    /** The whole message goes in, the client hears nothing more before the end, and the sink was never called. */
    private void assertEndOfDataGetsNoReplyAndKeepsNothing(String rule) throws Exception {
        try (TestClient c = start(rule).hello()) {
            transaction(c);
            TestClient.expect(c.command("DATA"), 354);
            c.send("Subject: x\r\n\r\nbody\r\n.");
            assertThat(c.readToEnd()).isEmpty();
        }
        assertThat(sinkCalls).hasValue(0);
    }

    @Test
    void stallSaysNothingAndClosesWhenItsTimeIsUp() throws Exception {
        try (TestClient c = start("mail:stall=300ms").hello()) {
            c.send("MAIL FROM:<a@client.test>");
            c.send("NOOP"); // ignored too: a stalled server reads and answers nothing
            assertThat(c.readToEnd()).isEmpty();
        }
    }

    @Test
    void stallEndsWhenTheClientCloses() throws Exception {
        try (TestClient c = start("data:stall=10m").hello()) {
            transaction(c);
            c.send("DATA");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
    }

    @Test
    void oneSeedGivesOneSessionTheSameFaults() throws Exception {
        List<Integer> first = rcptCodes(7);
        List<Integer> again = rcptCodes(7);
        List<Integer> other = rcptCodes(8);
        assertThat(first).contains(451).contains(250);
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    private List<Integer> rcptCodes(long seed) throws Exception {
        chaos.reset(seed).set(Chaos.parse("rcpt:reply=451 4.3.0 Maybe:p=0.5"));
        List<Integer> codes = new ArrayList<>();
        try (SmtpServer s = TestServers.builder(sink).chaos(chaos).build().start();
             TestClient c = TestClient.connect(s).hello()) {
            assertReply(c.command("MAIL FROM:<a@client.test>"), 250, "2.1.0");
            for (int i = 0; i < 40; i++) {
                codes.add(c.command("RCPT TO:<b" + i + "@posthorn.test>").code());
            }
        }
        return codes;
    }

    @Test
    void drawsRepeatForOneSeedAndDifferForAnother() {
        Chaos.Rule half = new Chaos.Rule(Chaos.Stage.MAIL, 0.5, new Chaos.Fault.Disconnect());
        List<Boolean> first = draws(Chaos.seeded(1234).set(half));
        assertThat(draws(Chaos.seeded(1234).set(half))).isEqualTo(first);
        assertThat(draws(Chaos.seeded(1235).set(half))).isNotEqualTo(first);
        assertThat(first).contains(true, false);
        Chaos reset = Chaos.seeded(99);
        draws(reset.set(half));
        assertThat(draws(reset.reset(1234).set(half))).isEqualTo(first);
        assertThat(reset.seed()).isEqualTo(1234);
    }

    private static List<Boolean> draws(Chaos chaos) {
        List<Boolean> fired = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            chaos.draw(Chaos.Stage.RCPT); // no rule: takes nothing from the generator
            fired.add(chaos.draw(Chaos.Stage.MAIL).isPresent());
        }
        return fired;
    }

    @Test
    void rulesAreKeptPerStageInStageOrder() {
        Chaos c = Chaos.seeded(0)
                .set(Chaos.parse("rcpt:disconnect"))
                .set(Chaos.parse("connect:delay=1s"))
                .set(Chaos.parse("rcpt:stall=5s"));
        assertThat(c.rules()).extracting(Chaos.Rule::toString).containsExactly("connect:delay=1s", "rcpt:stall=5s");
        assertThat(c.clear(Chaos.Stage.CONNECT).rules()).hasSize(1);
        assertThat(c.reset(3).rules()).isEmpty();
    }

    @Test
    void faultsAreChecked() {
        assertThatThrownBy(() -> new Chaos.Fault.Respond(Replies.OK)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4xx or 5xx");
        assertThatThrownBy(() -> new Chaos.Fault.Delay(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Chaos.Rule(Chaos.Stage.MAIL, 1.5, new Chaos.Fault.Disconnect()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Chaos.Rule(Chaos.Stage.MAIL, Double.NaN, new Chaos.Fault.Disconnect()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Chaos.Fault.Delay(Chaos.MAX_DURATION).delay()).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> new Chaos.Fault.Delay(Duration.ofHours(1).plusNanos(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a chaos delay must be at most 1h, got 3600000000001ns");
        assertThatThrownBy(() -> new Chaos.Fault.Stall(Duration.ofDays(365)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a chaos stall must be at most 1h, got 8760h");
    }

    @Test
    void replaceSetsRulesAndSeedTogether() {
        Chaos c = Chaos.seeded(5).set(Chaos.parse("mail:disconnect")).set(Chaos.parse("rcpt:stall=5s"));
        Chaos.Rule half = new Chaos.Rule(Chaos.Stage.MAIL, 0.5, new Chaos.Fault.Disconnect());
        assertThat(c.replace(1234, List.of(Chaos.parse("connect:delay=1s"), half))).isSameAs(c);
        assertThat(c.seed()).isEqualTo(1234);
        assertThat(c.rules()).containsExactly(Chaos.parse("connect:delay=1s"), half);
        // The generator starts again from the new seed: the same draws as a fresh Chaos with that seed.
        assertThat(draws(c)).isEqualTo(draws(Chaos.seeded(1234).set(half)));
        assertThat(c.replace(9, List.of()).rules()).isEmpty();
        assertThat(c.seed()).isEqualTo(9);
    }

    @Test
    void replaceRefusesTwoRulesForOneStageAndChangesNothing() {
        Chaos c = Chaos.seeded(5).set(Chaos.parse("mail:disconnect"));
        List<Chaos.Rule> two = List.of(Chaos.parse("rcpt:disconnect"), Chaos.parse("data:delay=1s"),
                Chaos.parse("rcpt:stall"));
        assertThatThrownBy(() -> c.replace(6, two)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("two chaos rules for stage rcpt: \"rcpt:disconnect\" and \"rcpt:stall=1m\";"
                        + " give one per stage");
        assertThat(c.rules()).containsExactly(Chaos.parse("mail:disconnect"));
        assertThat(c.seed()).isEqualTo(5);
    }

    /**
     * A draw while the rules are replaced by the same rule always finds it: no moment without rules (which
     * {@code reset} followed by {@code set} would show another thread).
     */
    @Test
    void aDrawDuringReplaceSeesOldOrNewRulesNeverNone() throws Exception {
        Chaos.Rule always = Chaos.parse("rcpt:disconnect");
        Chaos c = Chaos.seeded(1).set(always);
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> replacing = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 200_000; i++) {
                c.replace(i, List.of(always));
            }
            done.set(true);
        });
        int draws = 0;
        int missed = 0;
        while (!done.get()) {
            draws++;
            if (c.draw(Chaos.Stage.RCPT).isEmpty()) {
                missed++;
            }
        }
        replacing.get();
        assertThat(draws).isPositive();
        assertThat(missed).as("draws without a rule, of %d", draws).isZero();
    }
}
