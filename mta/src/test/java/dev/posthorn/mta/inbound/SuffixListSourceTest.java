package dev.posthorn.mta.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's public suffix list: a configured file, read again when it changes. */
class SuffixListSourceTest {

    @TempDir
    Path dir;

    @Test
    void aConfiguredFileIsReadAndReadAgainWhenItChanges() throws IOException {
        Path file = Files.writeString(dir.resolve("psl.dat"), "test\n");
        SuffixListSource source = SuffixListSource.open(Optional.of(file));
        assertThat(source.get().organizationalDomain("a.b.c.test")).isEqualTo("c.test");
        assertThatThrownBy(() -> SuffixListSource.open(Optional.of(dir.resolve("missing.dat"))))
                .isInstanceOf(IOException.class);
        Files.writeString(file, "c.test\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(0));
        assertThat(source.get().organizationalDomain("a.b.c.test")).isEqualTo("c.test"); // checked once a minute
    }

    @Test
    void aChangedFileIsTakenUpAtTheNextLookAndABrokenOneKeepsTheListInUse() throws IOException {
        Path file = Files.writeString(dir.resolve("psl.dat"), "test\n");
        SuffixListSource source = SuffixListSource.open(Optional.of(file), java.time.Duration.ZERO);
        assertThat(source.get().organizationalDomain("a.b.c.test")).isEqualTo("c.test");
        Files.writeString(file, "c.test\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(0));
        assertThat(source.get().organizationalDomain("a.b.c.test")).isEqualTo("b.c.test");
        Files.writeString(file, "// no rules\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(1000));
        assertThat(source.get().organizationalDomain("a.b.c.test")).isEqualTo("b.c.test");
    }
}
