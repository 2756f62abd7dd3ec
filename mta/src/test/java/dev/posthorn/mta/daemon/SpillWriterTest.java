package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.FileSpool;
import dev.posthorn.mta.spool.QueuedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SpillWriterTest {

    private static final int LIMIT = 256 * 1024;

    @TempDir
    Path dir;

    static Stream<Long> seeds() {
        return new Random(20261207).longs(40).boxed();
    }

    /** Random bodies of 0 B to twice the limit, written in random pieces: read back and committed octet for octet. */
    @ParameterizedTest
    @MethodSource("seeds")
    void everyBodyIsReadBackAndCommittedAsWritten(long seed) throws IOException {
        Random random = new Random(seed);
        byte[] body = new byte[random.nextInt(4) == 0 ? random.nextInt(100) : random.nextInt(2 * LIMIT)];
        random.nextBytes(body);
        SpillWriter.Budget budget = new SpillWriter.Budget(1 << 20);
        FileSpool spool = FileSpool.open(dir.resolve("spool"));
        {
            QueuedMessage queued;
            try (SpillWriter writer = new SpillWriter(spool, "ID" + Long.toHexString(seed), LIMIT, budget)) {
                write(writer.body(), body, random);
                try (InputStream written = writer.written()) {
                    assertThat(written.readAllBytes()).isEqualTo(body);
                }
                assertThat(queueFiles()).as("a spool file only for a body past the limit")
                        .hasSize(body.length > LIMIT ? 1 : 0);
                long total = 1 << 20;
                if (body.length > LIMIT) {
                    assertThat(budget.left()).as("given back at the spill").isEqualTo(total);
                } else {
                    assertThat(budget.left()).as("taken for the body, in chunks of at most 64 KiB")
                            .isLessThanOrEqualTo(total - body.length)
                            .isGreaterThan(total - body.length - 64 * 1024);
                }
                queued = writer.commit(Envelopes.of("ID" + Long.toHexString(seed), Instant.now(), "s@a.test",
                        "r@b.test"));
            }
            assertThat(budget.left()).isEqualTo(1 << 20);
            try (InputStream read = spool.rawBody(queued)) {
                assertThat(read.readAllBytes()).isEqualTo(body);
            }
        }
    }

    private static void write(OutputStream out, byte[] body, Random random) throws IOException {
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, random.nextInt(3) == 0 ? 1 : 1 + random.nextInt(70_000));
            if (n == 1 && random.nextBoolean()) {
                out.write(body[at]);
            } else {
                out.write(body, at, n);
            }
            at += n;
        }
    }

    /** The edges: nothing, exactly the limit (kept in memory), one octet more (spilled); empty writes change nothing. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, LIMIT - 1, LIMIT, LIMIT + 1})
    void bodiesAtTheLimit(int length) throws IOException {
        byte[] body = new byte[length];
        new Random(length).nextBytes(body);
        SpillWriter.Budget budget = new SpillWriter.Budget(1 << 20);
        FileSpool spool = FileSpool.open(dir.resolve("spool"));
        SpillWriter writer = new SpillWriter(spool, "EDGE", LIMIT, budget);
        writer.body().write(body, 0, 0);
        writer.body().write(body);
        writer.body().write(new byte[0]);
        try (InputStream written = writer.written()) {
            assertThat(written.readAllBytes()).isEqualTo(body);
        }
        assertThat(queueFiles()).hasSize(length > LIMIT ? 1 : 0);
        writer.close();
        writer.close();
        assertThat(budget.left()).isEqualTo(1 << 20);
        assertThat(queueFiles()).isEmpty();
        org.assertj.core.api.Assertions.assertThatIOException().isThrownBy(() -> writer.body().write(1));
        assertThat(budget.left()).as("nothing taken after the close").isEqualTo(1 << 20);
    }

    @Test
    void aBodyBeyondTheBudgetGoesToTheSpoolAndTheBudgetComesBack() throws IOException {
        SpillWriter.Budget budget = new SpillWriter.Budget(200 * 1024);
        byte[] part = new byte[50 * 1024];
        new Random(7).nextBytes(part);
        FileSpool spool = FileSpool.open(dir.resolve("spool"));
        {
            try (SpillWriter first = new SpillWriter(spool, "FIRST", LIMIT, budget);
                 SpillWriter second = new SpillWriter(spool, "SECOND", LIMIT, budget)) {
                for (int i = 0; i < 3; i++) {
                    first.body().write(part);
                }
                assertThat(queueFiles()).isEmpty();
                long left = budget.left();
                assertThat(left).isLessThan(200 * 1024 - 150 * 1024 + 1);
                second.body().write(part);
                second.body().write(part); // more than the budget has left: the second spills
                assertThat(queueFiles()).hasSize(1);
                assertThat(budget.left()).isEqualTo(left);
                try (InputStream written = second.written()) {
                    byte[] both = written.readAllBytes();
                    assertThat(both).hasSize(2 * part.length);
                    assertThat(java.util.Arrays.copyOfRange(both, part.length, both.length)).isEqualTo(part);
                }
            }
            assertThat(budget.left()).isEqualTo(200 * 1024);
            assertThat(queueFiles()).as("neither was committed: nothing stays").isEmpty();
        }
    }

    private java.util.List<String> queueFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("spool/queue"))) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }
}
