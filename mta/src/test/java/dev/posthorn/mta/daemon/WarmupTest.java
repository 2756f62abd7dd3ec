package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.posthorn.mta.spool.SpoolLock;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code posthorn run --warmup}: a throw-away daemon takes mail for the time given, then leaves no trace. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WarmupTest {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger mail = (Logger) LoggerFactory.getLogger("posthorn.mail");
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();

    @BeforeEach
    void watchTheLog() {
        seen.start();
        root.addAppender(seen);
    }

    @AfterEach
    void stopWatching() {
        root.detachAppender(seen);
    }

    @Test
    void runsMessagesThroughTheDaemonWithoutALineInTheLogAndRemovesItsFolder() throws IOException {
        List<Path> before = warmupFolders();

        Warmup.Result result = Warmup.run(Duration.ofSeconds(2));

        assertThat(result.failures()).isZero();
        assertThat(result.messages()).isGreaterThan(50); // both kinds of session, many times over
        assertThat(result.took()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(30));
        // The warm-up daemon's lines (listening, queued, delivered, removed ...) went nowhere.
        assertThat(seen.list).isEmpty();
        assertThat(warmupFolders()).isSubsetOf(before);
        // And the log's appenders are back: a line written now arrives.
        mail.info("after the warm-up");
        assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("after the warm-up");
    }

    /** The spool is claimed before the warm-up: a daemon that could not start anyway says so at once. */
    @Test
    void aSpoolInUseIsRefusedBeforeTheWarmup(@TempDir Path dir) throws IOException {
        Path spool = dir.resolve("spool");
        SpoolLock held = SpoolLock.acquire(spool);
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> Daemon.start(TestConfigs.conformance(dir), ConfigSource.fixed(
                    TestConfigs.conformance(dir)), Duration.ofSeconds(30)))
                    .isInstanceOf(SpoolLock.InUseException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            held.close();
        }
    }

    /** The warm-up daemon listens on one free port and nothing else: not on the admin listener's default port. */
    @Test
    void theAdminListenersDefaultPortInUseDoesNotStopTheWarmup() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            try {
                taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 2580));
            } catch (BindException e) {
                // already in use by someone else: the same condition
            }
            Warmup.Result result = Warmup.run(Duration.ofSeconds(2)); // the budget includes its daemon's start

            assertThat(result.failures()).isZero();
            assertThat(result.messages()).isPositive();
        }
    }

    @Test
    void aZeroBudgetDoesNothing() throws IOException {
        Warmup.Result result = Warmup.run(Duration.ZERO);

        assertThat(result.messages()).isZero();
        assertThat(result.took()).isZero();
    }

    private static List<Path> warmupFolders() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(path -> path.getFileName().toString().startsWith("posthorn-warmup")).toList();
        }
    }
}
