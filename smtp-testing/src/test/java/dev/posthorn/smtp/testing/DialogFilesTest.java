package dev.posthorn.smtp.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DialogFilesTest {

    /** The settings the conformance README defines; a case asking for another one would be silently ignored. */
    private static final Set<String> KNOWN_SETTINGS = Set.of("size", "tls", "max_rcpt", "auth_plain_without_tls");

    static Path conformanceDir() throws IOException {
        return DialogFiles.findUpwards("conformance/shared");
    }

    @Test
    void everyConformanceCaseParses() throws IOException {
        Path dir = conformanceDir();
        long files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(file -> file.getFileName().toString().endsWith(".dialog")).count();
        }

        List<Dialog> dialogs = DialogFiles.load(dir);

        assertThat(files).isPositive();
        assertThat(dialogs).hasSize((int) files);
        assertThat(dialogs).extracting(Dialog::name).isSorted().allMatch(name -> name.endsWith(".dialog"));
        for (Dialog dialog : dialogs) {
            assertThat(dialog.steps()).as(dialog.name()).isNotEmpty();
            assertThat(dialog.settings().keySet()).as(dialog.name()).isSubsetOf(KNOWN_SETTINGS);
        }
        List<Step> all = dialogs.stream().flatMap(dialog -> dialog.steps().stream()).toList();
        assertThat(all).as("the cases use every step kind the runner knows")
                .anyMatch(Step.Send.class::isInstance)
                .anyMatch(Step.Expect.class::isInstance)
                .anyMatch(Step.ExpectClose.class::isInstance)
                .anyMatch(Step.ExpectNothing.class::isInstance)
                .anyMatch(Step.StartTls.class::isInstance);
    }

    @Test
    void loadsOnlyDialogFilesSortedByName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.dialog"), "S: 220\n");
        Files.writeString(dir.resolve("a.dialog"), "S: 220\nC: QUIT\nS: 221\n");
        Files.writeString(dir.resolve("notes.txt"), "not a dialogue\n");
        Files.createDirectory(dir.resolve("c.dialog"));

        List<Dialog> dialogs = DialogFiles.load(dir);

        assertThat(dialogs).extracting(Dialog::name).containsExactly("a.dialog", "b.dialog");
        assertThat(dialogs.get(0).steps()).hasSize(3);
    }

    @Test
    void aMalformedFileIsNamedInTheError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("01-ok.dialog"), "S: 220\n");
        Files.writeString(dir.resolve("02-broken.dialog"), "S: 220\nS: 2500\n");

        assertThatThrownBy(() -> DialogFiles.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("02-broken.dialog line 2: ");
    }
}
