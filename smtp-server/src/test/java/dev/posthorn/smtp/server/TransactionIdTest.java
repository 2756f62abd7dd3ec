package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Transaction (and queue) ids: unique, 18 base32 characters, and sorted by the time they were made. */
class TransactionIdTest {

    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    @Test
    void manyIdsInARowAreUniqueAndSortInTheOrderTheyWereMade() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            ids.add(TransactionId.next());
        }
        assertThat(Set.copyOf(ids)).hasSize(ids.size());
        List<String> sorted = new ArrayList<>(ids);
        Collections.sort(sorted);
        assertThat(sorted).isEqualTo(ids);
        assertThat(ids).allSatisfy(id -> assertThat(id).hasSize(18)
                .matches(s -> s.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0), "base32 (Crockford)"));
    }

    @Test
    void idsMadeLaterSortLater() throws InterruptedException {
        String first = TransactionId.next();
        long before = System.currentTimeMillis();
        Thread.sleep(5);
        String second = TransactionId.next();
        assertThat(second).isGreaterThan(first);
        assertThat(millis(second)).isGreaterThanOrEqualTo(before).isGreaterThan(millis(first));
    }

    @Test
    void idsMadeOnManyThreadsAtOnceNeverCollideAndEachThreadSeesThemRise() throws Exception {
        int threads = 16;
        int each = 20_000;
        Set<String> all = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> mine = new ArrayList<>(each);
                    for (int i = 0; i < each; i++) {
                        String id = TransactionId.next();
                        mine.add(id);
                        all.add(id);
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (Future<List<String>> result : results) {
                List<String> mine = result.get();
                List<String> sorted = new ArrayList<>(mine);
                Collections.sort(sorted);
                assertThat(sorted).as("one thread's ids, in the order made").isEqualTo(mine);
            }
        }
        assertThat(all).hasSize(threads * each);
    }

    @Test
    void aProcessCommittingBesideTheDaemonMakesIdsWithItsProcessIdAndTheTopCounterBit() {
        TransactionId.perProcess(4_194_303);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 140_000; i++) { // past the 17-bit counter's wrap
            ids.add(TransactionId.next());
        }
        assertThat(ids).allSatisfy(id -> assertThat(counter(id) >>> 17).isEqualTo(1L << 22 | 4_194_303));
        assertThat(Set.copyOf(ids)).hasSize(ids.size());
        assertThat(ids.stream().sorted().toList()).isEqualTo(ids);
    }

    /** The counter part: the last 8 characters, 40 bits. */
    private static long counter(String id) {
        long value = 0;
        for (int i = 10; i < 18; i++) {
            value = value << 5 | ALPHABET.indexOf(id.charAt(i));
        }
        return value;
    }

    /** The time part: the first 10 characters, base32 of milliseconds since the epoch. */
    private static long millis(String id) {
        long value = 0;
        for (int i = 0; i < 10; i++) {
            value = value << 5 | ALPHABET.indexOf(id.charAt(i));
        }
        return value;
    }

    @Test
    void theTimePartIsTheClock() {
        long before = System.currentTimeMillis();
        String id = TransactionId.next();
        long after = System.currentTimeMillis();
        assertThat(millis(id)).isBetween(before - 1_000, after);
    }
}
