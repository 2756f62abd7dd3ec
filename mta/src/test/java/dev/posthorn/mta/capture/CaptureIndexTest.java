package dev.posthorn.mta.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index's row count, kept in memory for pruning, against what SQLite holds. */
class CaptureIndexTest {

    @TempDir
    Path dir;

    private CaptureIndex index;

    @BeforeEach
    void open() throws Exception {
        index = CaptureIndex.open(dir.resolve("index.db"));
    }

    @AfterEach
    void close() throws Exception {
        index.close();
    }

    private void insert(String id, long second, String... recipients) throws Exception {
        index.insert(new CapturedMessage(id, Instant.ofEpochSecond(1_800_000_000L + second), "app@app.test",
                List.of(recipients), "", List.of(), "s " + id, null, 10, false, "127.0.0.1", "client", null, null),
                MessageFacts.EMPTY);
    }

    private void assertCount(int expected) throws Exception {
        assertThat(index.count()).isEqualTo(expected);
        assertThat(index.page(CaptureQuery.ALL, 0, 1).total()).isEqualTo(expected);
    }

    @Test
    void theCountFollowsInsertsDeletesMailboxesAndRestarts() throws Exception {
        for (int i = 0; i < 6; i++) {
            insert("m" + i, i, i % 2 == 0 ? "even@one.test" : "odd@one.test");
        }
        insert("both", 6, "even@one.test", "odd@one.test");
        assertCount(7);
        assertThat(index.delete(List.of("m0", "m0", "missing"))).containsExactly("m0");
        assertCount(6);
        assertThat(index.removeFromMailbox("both", "even@one.test")).isFalse();
        assertCount(6);
        assertThat(index.removeFromMailbox("m1", "odd@one.test")).isTrue();
        assertCount(5);
        assertThat(index.removeMailbox("even@one.test")).containsExactlyInAnyOrder("m2", "m4");
        assertCount(3);
        index.close();
        index = CaptureIndex.open(dir.resolve("index.db"));
        assertCount(3);
        insert("m7", 7, "odd@one.test");
        assertCount(4);
    }

    @Test
    void beyondNamesTheOldestOverTheCountOnly() throws Exception {
        insert("late", 5, "a@one.test");
        insert("early", 1, "a@one.test");
        insert("middle", 3, "a@one.test");
        insert("middle2", 3, "a@one.test");
        assertThat(index.beyond(4)).isEmpty();
        assertThat(index.beyond(10)).isEmpty();
        assertThat(index.beyond(1)).containsExactly("early", "middle", "middle2");
        assertThat(index.delete(index.beyond(2))).containsExactly("early", "middle");
        assertCount(2);
        assertThat(index.beyond(2)).isEmpty();
        index.close();
        index = CaptureIndex.open(dir.resolve("index.db"));
        assertThat(index.beyond(1)).containsExactly("middle2");
    }
}
