package dev.posthorn.mta.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool on a file system that fills up (a tmpfs of 256 KiB, {@link SmallDisk}; root only): a message that does not
 * fit fails with {@link DiskFull}, leaves no file and no lost room behind, and harms no message already committed;
 * nor does a delivery state that does not fit.
 */
class SpoolFullTest {

    @TempDir
    Path dir;

    private SmallDisk disk;

    @BeforeEach
    void mount() throws Exception {
        disk = SmallDisk.mount(dir.resolve("disk"), 256 * 1024);
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    private List<String> queue() throws Exception {
        try (Stream<Path> files = Files.list(disk.root().resolve("spool/queue"))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aMessageLargerThanTheRoomLeftFailsAsFullAndLeavesNothingBehind() throws Exception {
        Spool spool = Spool.open(disk.root().resolve("spool"));
        spool.sweep();
        SpoolTest.commit(spool, "01KEPT", "Subject: kept\r\n\r\nacknowledged before the disk filled\r\n", "a@x.test");
        long free = disk.usable();
        byte[] chunk = "x".repeat(8191).concat("\n").getBytes(StandardCharsets.US_ASCII);

        try (MessageWriter writer = spool.writer("01FULL")) {
            OutputStream body = writer.body();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 64; i++) { // 512 KiB into what is left of 256 KiB
                    body.write(chunk);
                }
                writer.commit(SpoolTest.envelope("01FULL", "a@x.test"));
            }).isInstanceOf(DiskFull.class).hasMessageContaining("No space left on device");
        }

        assertThat(queue()).containsExactly("01KEPT");
        assertThat(disk.usable()).isEqualTo(free);
        assertThat(spool.sweep()).extracting(QueuedMessage::id).containsExactly("01KEPT");
        assertThat(new String(spool.body(spool.load("01KEPT").orElseThrow()).readAllBytes(),
                StandardCharsets.UTF_8)).endsWith("acknowledged before the disk filled\r\n");
    }

    @Test
    void aStateThatDoesNotFitLeavesNoFileBehindAndTheMessageAsItWas() throws Exception {
        Spool spool = Spool.open(disk.root().resolve("spool"));
        spool.sweep();
        QueuedMessage message = SpoolTest.commit(spool, "01STATE", "Subject: s\r\n\r\nbody\r\n", "a@x.test",
                "b@x.test");
        fill();

        assertThatThrownBy(() -> spool.save("01STATE", message.state().with(0, DeliveryState.Status.DELIVERED,
                "maildir 1.M1P1Q1.host"))).isInstanceOf(DiskFull.class);

        try (Stream<Path> files = Files.list(disk.root().resolve("spool/tmp"))) {
            assertThat(files).isEmpty();
        }
        assertThat(queue()).containsExactly("01STATE");
        assertThat(spool.load("01STATE").orElseThrow().state().recipients())
                .extracting(DeliveryState.RecipientState::status)
                .containsExactly(DeliveryState.Status.PENDING, DeliveryState.Status.PENDING);
    }

    /** Fills what is left of the disk with a file of its own. */
    private void fill() throws Exception {
        try (OutputStream out = Files.newOutputStream(disk.root().resolve("filler"))) {
            byte[] page = new byte[4096];
            while (disk.usable() > 0) {
                out.write(page);
                out.flush();
            }
        } catch (java.io.IOException e) {
            // full
        }
        assertThat(disk.usable()).isZero();
    }

    @Test
    void aSpareFileTakesAMessageOfItsLengthEvenWhenTheDiskIsFull() throws Exception {
        Spool spool = Spool.open(disk.root().resolve("spool"));
        spool.sweep();
        String text = "Subject: long\r\n\r\n" + "y".repeat(40_000) + "\r\n";
        spool.remove(SpoolTest.commit(spool, "01OLD", text, "a@x.test"), false);
        assertThat(queue()).containsExactly("spare.01OLD");
        fill();

        // The spare's blocks are the file's already: a message no longer than it is written into them.
        SpoolTest.commit(spool, "01NEW", text.replace('y', 'z'), "b@x.test");

        assertThat(queue()).containsExactly("01NEW");
        assertThat(new String(spool.body(spool.load("01NEW").orElseThrow()).readAllBytes(),
                StandardCharsets.UTF_8)).isEqualTo(text.replace('y', 'z'));
    }
}
