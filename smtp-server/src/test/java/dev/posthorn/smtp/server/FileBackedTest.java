package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading again when the files change, keeping the last good value when they do not load. */
class FileBackedTest {

    @TempDir
    Path dir;

    private final AtomicInteger loads = new AtomicInteger();
    private Path a;
    private Path b;

    @BeforeEach
    void files() throws IOException {
        a = dir.resolve("a");
        b = dir.resolve("b");
        write(a, "one", 1_000);
        write(b, "x", 1_000);
    }

    private FileBacked<String> watch(Duration interval) throws IOException {
        return FileBacked.load("test value", interval, this::read, a, b);
    }

    /** The two files joined, or a failure when the first says "broken". */
    private String read() throws IOException {
        loads.incrementAndGet();
        String text = Files.readString(a);
        if (text.equals("broken")) {
            throw new IOException("broken file");
        }
        return text + "+" + Files.readString(b);
    }

    private static void write(Path file, String text, long millis) throws IOException {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(millis)); // a change even within the clock's resolution
    }

    @Test
    void aChangeToEitherFileIsLoadedAndABrokenVersionKeepsTheLastGoodValue() throws IOException {
        FileBacked<String> value = watch(Duration.ZERO);
        assertThat(value.get()).isEqualTo("one+x");
        assertThat(value.get()).isEqualTo("one+x");
        assertThat(loads).hasValue(1); // unchanged files are not read again

        write(b, "y", 2_000);
        assertThat(value.get()).isEqualTo("one+y");
        write(a, "two", 3_000);
        assertThat(value.get()).isEqualTo("two+y");
        assertThat(loads).hasValue(3);

        write(a, "broken", 4_000);
        assertThat(value.get()).isEqualTo("two+y");
        assertThat(value.get()).isEqualTo("two+y");
        assertThat(loads).hasValue(4); // the broken version is tried once, not at every look

        write(a, "three", 5_000);
        assertThat(value.get()).isEqualTo("three+y");
    }

    @Test
    void theFilesAreNotLookedAtAgainWithinTheInterval() throws IOException {
        FileBacked<String> value = watch(Duration.ofHours(1));
        write(a, "two", 2_000);
        assertThat(value.get()).isEqualTo("one+x");
        assertThat(loads).hasValue(1);
    }

    @Test
    void aFirstLoadThatFailsFails() throws IOException {
        write(a, "broken", 1_000);
        assertThatThrownBy(() -> watch(Duration.ZERO))
                .isInstanceOf(IOException.class).hasMessage("broken file");
    }

    @Test
    void aFileThatDisappearsKeepsTheValueUntilItIsBack() throws IOException {
        FileBacked<String> value = watch(Duration.ZERO);
        Files.delete(b);
        assertThat(value.get()).isEqualTo("one+x");
        write(b, "z", 2_000);
        assertThat(value.get()).isEqualTo("one+z");
    }
}
