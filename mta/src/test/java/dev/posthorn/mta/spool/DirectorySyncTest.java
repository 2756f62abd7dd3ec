package dev.posthorn.mta.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit of directory syncs: every caller is covered, concurrent callers share forces. */
class DirectorySyncTest {

    @TempDir
    Path dir;

    @Test
    void concurrentCommitsShareForces() throws Exception {
        DirectorySync sync = new DirectorySync(dir);
        List<Future<?>> calls = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                calls.add(pool.submit(() -> {
                    sync.expect();
                    Thread.sleep(Duration.ofMillis(3)); // the file's own force
                    sync.syncExpected();
                    return null;
                }));
            }
        }
        for (Future<?> call : calls) {
            call.get();
        }
        assertThat(sync.forces()).isBetween(1L, 39L);
    }

    @Test
    void aCancelledCommitDoesNotHoldOthersUp() throws Exception {
        DirectorySync sync = new DirectorySync(dir);
        sync.expect();
        sync.cancel();
        long start = System.nanoTime();
        sync.sync();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        assertThat(sync.forces()).isEqualTo(1);
    }

    @Test
    void aSyncAlwaysForcesAfterItsCall() throws Exception {
        DirectorySync sync = new DirectorySync(dir);
        sync.sync();
        sync.sync();
        assertThat(sync.forces()).isEqualTo(2);
    }
}
