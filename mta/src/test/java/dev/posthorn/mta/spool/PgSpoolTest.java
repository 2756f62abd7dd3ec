package dev.posthorn.mta.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL spool against a real PostgreSQL server: messages, bodies in chunks, state, history, and the leases
 * that keep two nodes sharing the database from working on the same message.
 */
class PgSpoolTest {

    private static TestPostgres postgres;
    private static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path local;

    private final List<PgSpool> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void empty() throws Exception {
        postgres.empty();
    }

    @AfterEach
    void close() throws IOException {
        for (PgSpool spool : opened) {
            spool.close();
        }
    }

    private PgSpool node(String name) throws IOException {
        return node(name, java.time.Duration.ofMinutes(2));
    }

    private PgSpool node(String name, java.time.Duration lease) throws IOException {
        PgSpool spool = PgSpool.open(postgres.url(), Optional.empty(), Optional.empty(),
                name, local.resolve(name), 4, lease);
        opened.add(spool);
        return spool;
    }

    private static byte[] body(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static QueuedMessage commit(Spool spool, String id, byte[] body) throws IOException {
        try (MessageWriter writer = spool.writer(id)) {
            writer.body().write(body);
            return writer.commit(SpoolTest.envelope(id, "a@x.test", "b@y.test"));
        }
    }

    private static byte[] read(Spool spool, QueuedMessage message) throws IOException {
        try (InputStream in = spool.rawBody(message)) {
            return in.readAllBytes();
        }
    }

    private static long rows(String table) throws Exception {
        return postgres.count("SELECT count(*) FROM " + table);
    }

    private static void expireLeases() throws Exception {
        postgres.execute("UPDATE spool_message SET lease_until = now() - interval '1 second'"
                + " WHERE lease_until IS NOT NULL");
    }

    @Test
    void bodiesOfEverySizeComeBackAsWrittenWithTheirEnvelope() throws Exception {
        PgSpool spool = node("a");
        assertThat(spool.clean()).isZero();
        int[] sizes = {0, 1, 1000, PgSpool.CHUNK - 1, PgSpool.CHUNK, PgSpool.CHUNK + 1, 3 * PgSpool.CHUNK + 17};
        for (int i = 0; i < sizes.length; i++) {
            String id = "01A" + i;
            byte[] body = body(sizes[i], i);
            QueuedMessage committed = commit(spool, id, body);
            QueuedMessage loaded = spool.load(id).orElseThrow();
            assertThat(loaded.bodyLength()).isEqualTo(sizes[i]);
            assertThat(loaded.envelope()).isEqualTo(committed.envelope());
            assertThat(loaded.state()).isEqualTo(committed.state());
            assertThat(read(spool, loaded)).isEqualTo(body);
        }
        assertThat(spool.ids(100)).hasSize(sizes.length).isSorted();
        assertThat(rows("spool_upload")).isZero();
    }

    @Test
    void whatWasWrittenCanBeReadBackBeforeTheCommit() throws Exception {
        PgSpool spool = node("a");
        byte[] body = body(2 * PgSpool.CHUNK + 5, 7);
        try (MessageWriter writer = spool.writer("01B")) {
            writer.body().write(body);
            try (InputStream in = writer.written()) {
                assertThat(in.readAllBytes()).isEqualTo(body);
            }
            writer.commit(SpoolTest.envelope("01B", "a@x.test"));
        }
        assertThat(read(spool, spool.load("01B").orElseThrow())).isEqualTo(body);
    }

    @Test
    void aWriterClosedWithoutCommitLeavesNothing() throws Exception {
        PgSpool spool = node("a");
        try (MessageWriter writer = spool.writer("01C")) {
            writer.body().write(body(2 * PgSpool.CHUNK + 1, 3));
        }
        assertThat(rows("spool_body")).isZero();
        assertThat(rows("spool_upload")).isZero();
        assertThat(spool.contains("01C")).isFalse();
    }

    @Test
    void aNodeThatRestartsRemovesTheMessagesItWasReceivingAndGivesUpItsLeases() throws Exception {
        PgSpool before = node("a");
        commit(before, "01D", body(10, 1));
        MessageWriter interrupted = before.writer("01E");
        interrupted.body().write(body(PgSpool.CHUNK + 1, 2)); // one chunk stored, never committed: the node dies
        assertThat(rows("spool_upload")).isOne();

        PgSpool other = node("b");
        assertThat(other.scan(LATER, 10, id -> false).due()).isEmpty(); // 01D: held by a

        PgSpool after = node("a");
        assertThat(after.clean()).isOne();
        assertThat(rows("spool_upload")).isZero();
        assertThat(rows("spool_body")).isOne(); // 01D's only chunk
        assertThat(other.scan(LATER, 10, id -> false).due()).extracting(Scan.Due::id).containsExactly("01D");
    }

    @Test
    void aMessageIsWorkedOnByTheNodeThatHoldsItsLeaseOnly() throws Exception {
        PgSpool a = node("a");
        PgSpool b = node("b");
        QueuedMessage message = commit(a, "01F", body(100, 4));
        assertThat(a.holds("01F")).isTrue();
        assertThat(b.scan(LATER, 10, id -> false).due()).isEmpty();

        a.released("01F");
        assertThat(b.scan(LATER, 10, id -> false).due()).extracting(Scan.Due::id).containsExactly("01F");
        assertThat(a.scan(LATER, 10, id -> false).due()).isEmpty();

        DeliveryState progress = message.state().with(0, DeliveryState.Status.DELIVERED, "250 ok")
                .attempted(Instant.parse("2029-01-01T00:00:00Z"));
        b.save("01F", progress);
        assertThat(a.load("01F").orElseThrow().state()).isEqualTo(progress);
        assertThat(a.census(Instant.parse("2028-01-01T00:00:00Z"))).isEqualTo(new Scan.Census(0, 1, 0));
        b.remove(message, true);
        assertThat(a.contains("01F")).isFalse();
    }

    @Test
    void aNodeWhoseLeaseExpiredCannotUndoWhatTheNodeThatTookOverDid() throws Exception {
        PgSpool a = node("a");
        PgSpool b = node("b");
        QueuedMessage message = commit(a, "01G", body(100, 5));
        expireLeases(); // a stalls past its lease
        assertThat(b.scan(LATER, 10, id -> false).due()).extracting(Scan.Due::id).containsExactly("01G");

        DeliveryState stale = message.state().with(0, DeliveryState.Status.FAILED, "550 stale")
                .attempted(LATER);
        assertThatThrownBy(() -> a.save("01G", stale)).isInstanceOf(PgSpool.LeaseLost.class);
        assertThat(a.holds("01G")).isFalse();
        assertThat(a.load("01G").orElseThrow().state()).isEqualTo(message.state());

        b.remove(message, false);
        assertThat(b.contains("01G")).isFalse();
        commit(a, "01H", body(1, 6));
        expireLeases();
        b.scan(LATER, 10, id -> false);
        assertThatThrownBy(() -> a.remove(a.load("01H").orElseThrow(), false)).isInstanceOf(PgSpool.LeaseLost.class);
        assertThat(b.contains("01H")).isTrue();
    }

    @Test
    void renewedLeasesOutliveTheirFirstTermAndLostOnesAreForgotten() throws Exception {
        PgSpool a = node("a");
        PgSpool b = node("b");
        commit(a, "01J", body(1, 8));
        commit(a, "01K", body(1, 9));
        expireLeases();
        assertThat(b.scan(LATER, 1, id -> false).due()).extracting(Scan.Due::id).containsExactly("01J");
        assertThat(a.renewLeases()).isOne(); // 01K renewed; 01J now b's
        assertThat(a.holds("01J")).isFalse();
        assertThat(b.scan(LATER, 10, id -> false).due()).isEmpty();
    }

    @Test
    void nodesScanningAtOnceNeverClaimTheSameMessage() throws Exception {
        PgSpool writer = node("w");
        for (int i = 0; i < 300; i++) {
            commit(writer, String.format("02%04d", i), body(50, i));
        }
        expireLeases();
        List<PgSpool> nodes = List.of(node("a"), node("b"), node("c"));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<String>>> claimed = new ArrayList<>();
            for (PgSpool spool : nodes) {
                claimed.add(pool.submit(() -> {
                    List<String> mine = new ArrayList<>();
                    List<Scan.Due> due;
                    do {
                        due = spool.scan(LATER, 7, id -> false).due();
                        due.forEach(d -> mine.add(d.id()));
                    } while (!due.isEmpty());
                    return mine;
                }));
            }
            Set<String> all = new HashSet<>();
            int total = 0;
            for (Future<List<String>> f : claimed) {
                total += f.get().size();
                all.addAll(f.get());
            }
            assertThat(total).isEqualTo(300);
            assertThat(all).hasSize(300);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theHistoryKeepsLinesWhole() throws Exception {
        PgSpool spool = node("a");
        commit(spool, "01L", body(1, 1));
        assertThat(spool.appendHistory("01L", "first\r\nattempt")).isTrue();
        assertThat(spool.appendHistory("01L", "x".repeat(History.MAX_LINE + 10))).isFalse();
        List<String> lines = spool.history("01L");
        assertThat(lines).hasSize(2);
        assertThat(lines.getFirst()).isEqualTo("first  attempt");
        assertThat(lines.get(1)).hasSize(History.MAX_LINE - 1);
        // Read back: the last lines within MAX_READ octets of UTF-8, not characters.
        String wide = "é".repeat(30_000); // 60,000 octets
        for (int i = 0; i < 40; i++) {
            spool.appendHistory("01L", wide);
        }
        List<String> last = spool.history("01L");
        assertThat(last).hasSize(History.MAX_READ / 60_001).allMatch(wide::equals);
        spool.remove("01L", true);
        assertThat(spool.history("01L")).isEmpty();
        assertThat(rows("spool_history")).isZero();
    }

    @Test
    void aHeldMessageIsNeverDueAndCountsAsHeld() throws Exception {
        PgSpool spool = node("a");
        QueuedMessage message = commit(spool, "01M", body(1, 1));
        spool.save("01M", message.state().held(true, LATER));
        spool.released("01M");
        assertThat(spool.scan(LATER, 10, id -> false).due()).isEmpty();
        assertThat(spool.census(LATER)).isEqualTo(new Scan.Census(0, 0, 1));
    }

    @Test
    void aLocalSubmissionIsHeldByNoNodeSoTheFirstToScanTakesIt() throws Exception {
        PgSpool submitter = PgSpool.openForSubmission(postgres.url(), Optional.empty(),
                Optional.empty(), "a", local.resolve("sendmail"));
        opened.add(submitter);
        commit(submitter, "01N", body(10, 1));
        assertThat(submitter.holds("01N")).isFalse();
        assertThat(node("b").scan(LATER, 10, id -> false).due()).extracting(Scan.Due::id).containsExactly("01N");
    }

    @Test
    void aBodyRemovedWhileBeingReadIsAnErrorNotAShorterMessage() throws Exception {
        PgSpool spool = node("a");
        QueuedMessage message = commit(spool, "01P", body(3 * PgSpool.CHUNK, 11));
        try (InputStream in = spool.rawBody(message)) {
            assertThat(in.readNBytes(PgSpool.CHUNK)).hasSize(PgSpool.CHUNK);
            spool.remove("01P", true); // the operator deletes it while a transport sends it
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("removed");
        }
    }

    @Test
    void aNodeAsksBeforeDeliveringOnlyOnceItsLeaseIsNoLongerFresh() throws Exception {
        PgSpool a = node("a", java.time.Duration.ofSeconds(2));
        commit(a, "01Q", body(1, 1));
        assertThat(a.mayDeliver("01Q")).isTrue(); // received a moment ago: no question asked
        Thread.sleep(1100);
        assertThat(a.mayDeliver("01Q")).isTrue(); // half a lease on: renewed
        expireLeases(); // as if a had stalled past its lease
        assertThat(node("b").scan(LATER, 10, id -> false).due()).extracting(Scan.Due::id).containsExactly("01Q");
        Thread.sleep(1100);
        assertThat(a.mayDeliver("01Q")).isFalse();
        assertThat(a.holds("01Q")).isFalse();
    }

    /** What the other nodes asked of one node, and, when {@code yielding}, giving up as a runner would. */
    private static final class Asked implements Spool.Requests {
        final java.util.concurrent.BlockingQueue<String> requests = new java.util.concurrent.LinkedBlockingQueue<>();
        final PgSpool spool;
        final boolean yielding;

        Asked(PgSpool spool, boolean yielding) {
            this.spool = spool;
            this.yielding = yielding;
        }

        @Override
        public void giveUp(String id) {
            requests.add("give up " + id);
            if (yielding) {
                try {
                    spool.released(id);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        @Override
        public void flush(Optional<String> domain, boolean subdomains) {
            requests.add("flush " + domain.orElse("*") + (subdomains ? " and below" : ""));
        }
    }

    /** What {@code spool}'s node asks the database to show of its listening session, once it listens. */
    private static String listening(PgSpool spool) {
        return "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'posthorn " + spool.node()
                + "' AND query LIKE 'LISTEN %'";
    }

    /** Has {@code spool} listen ({@code yielding}: giving up what it is asked for), once its LISTEN has run. */
    private static Asked listen(PgSpool spool, boolean yielding) {
        Asked asked = new Asked(spool, yielding);
        spool.listen(asked);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> postgres.count(listening(spool)) == 1);
        return asked;
    }

    @Test
    void anOperatorTakesAMessageNoNodeHoldsAtOnceAndTheFormerLeaseIsVoid() throws Exception {
        PgSpool a = node("a");
        PgSpool b = node("b");
        QueuedMessage message = commit(a, "01R", body(10, 1));
        expireLeases(); // a died holding it
        long before = postgres.count("SELECT lease_version FROM spool_message WHERE id = '01R'");
        assertThat(b.take("01R", java.time.Duration.ZERO)).isTrue();
        assertThat(b.holder("01R")).contains("b");
        assertThat(postgres.count("SELECT lease_version FROM spool_message WHERE id = '01R'")).isEqualTo(before + 1);
        assertThatThrownBy(() -> a.save("01R", message.state().attempted(LATER))).isInstanceOf(PgSpool.LeaseLost.class);
        b.save("01R", message.state().held(true, LATER));
        b.released("01R");
        assertThat(a.holder("01R")).isEmpty();
        assertThat(a.load("01R").orElseThrow().state().held()).isTrue();
        assertThat(b.take("01NONE", java.time.Duration.ZERO)).isTrue(); // not queued: the command finds it gone
    }

    @Test
    void anOperatorAsksTheNodeThatHoldsAMessageToGiveItUpAndWaitsForIt() throws Exception {
        PgSpool a = node("a");
        PgSpool b = node("b");
        Asked askedOfA = listen(a, true);
        Asked askedOfB = listen(b, true);
        commit(a, "01S", body(10, 2));
        assertThat(b.take("01S", java.time.Duration.ZERO)).isFalse(); // no patience: not even asked
        assertThat(b.take("01S", java.time.Duration.ofSeconds(10))).isTrue();
        assertThat(askedOfA.requests.poll(1, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("give up 01S");
        assertThat(askedOfB.requests).isEmpty(); // only the holder is asked
        assertThat(a.holds("01S")).isFalse();
        assertThat(b.holds("01S")).isTrue();
        assertThat(a.holder("01S")).contains("b");
    }

    @Test
    void anOperatorGivesUpWhenTheHolderDoesNotAnswer() throws Exception {
        PgSpool a = node("a");
        PgSpool b = node("b");
        Asked askedOfA = listen(a, false); // busy with a long attempt
        commit(a, "01T", body(10, 3));
        long start = System.nanoTime();
        assertThat(b.take("01T", java.time.Duration.ofMillis(800))).isFalse();
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isBetween(
                java.time.Duration.ofMillis(800), java.time.Duration.ofSeconds(5));
        assertThat(askedOfA.requests.poll(1, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("give up 01T");
        assertThat(askedOfA.requests).isEmpty(); // asked once
        assertThat(a.holds("01T")).isTrue();
        assertThat(b.holds("01T")).isFalse();
    }

    @Test
    void aFlushIsHeardByTheOtherNodesNotByItsOwn() throws Exception {
        PgSpool a = node("a");
        PgSpool b = node("b");
        PgSpool c = node("c");
        Asked askedOfA = listen(a, false);
        Asked askedOfB = listen(b, false);
        Asked askedOfC = listen(c, false);
        a.flushed(Optional.of("far.test"), true);
        a.flushed(Optional.empty(), false);
        a.flushed(Optional.of("bad domain\r\n"), false); // names no recipient's domain: nobody is told
        for (Asked asked : List.of(askedOfB, askedOfC)) {
            assertThat(asked.requests.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("flush far.test and below");
            assertThat(asked.requests.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("flush *");
        }
        Thread.sleep(300);
        assertThat(askedOfA.requests).isEmpty();
        assertThat(askedOfB.requests).isEmpty();
    }

    @Test
    void aNodeWhoseListeningConnectionDropsListensAgain() throws Exception {
        PgSpool a = node("a");
        PgSpool b = node("b");
        Asked askedOfA = listen(a, true);
        commit(a, "01U", body(10, 4));
        long first = postgres.count("SELECT pid FROM pg_stat_activity WHERE application_name = 'posthorn a'");
        // The server ends the listener's session (a restart, a failover, an administrator's kill).
        assertThat(postgres.count("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE application_name = 'posthorn a') t")).isEqualTo(1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> postgres.count(
                listening(a) + " AND pid <> " + first) == 1);
        assertThat(b.take("01U", java.time.Duration.ofSeconds(10))).isTrue();
        assertThat(askedOfA.requests.poll(1, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("give up 01U");
        assertThat(b.holder("01U")).contains("b");
    }
}
