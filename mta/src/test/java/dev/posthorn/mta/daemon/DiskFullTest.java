package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.mta.spool.SmallDisk;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon with its spool or its Maildirs on a file system too small for the message sent (a tmpfs of 512 KiB,
 * {@link SmallDisk}; root only). Spool: enough room at MAIL (above {@code limits.min_free_disk}), none left in the
 * middle of DATA; the client is told to try again later with the MAIL check's {@code 452 4.3.1}, no partial file
 * stays in the spool, the session and the daemon go on, and the next message that fits is queued and delivered.
 * Maildir: the delivery is deferred as "mail system full" (4.3.1) with no partial file in {@code tmp/}, and made once
 * there is room.
 */
class DiskFullTest {

    @TempDir
    Path dir;

    private SmallDisk disk;

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    private long spoolFiles() throws Exception {
        try (Stream<Path> files = Files.list(disk.root().resolve("spool/queue"))) {
            return files.count();
        }
    }

    @Test
    void aMessageThatRunsOutOfSpaceInDataGets452AndLeavesNoFile() throws Exception {
        disk = SmallDisk.mount(dir.resolve("disk"), 512 * 1024);
        try (Daemon daemon = Daemon.start(TestConfigs.trusting(disk.root(), 64 * 1024))) {
            InetSocketAddress server = daemon.addresses().getFirst();
            long free = disk.usable();
            try (Talk talk = new Talk(server)) {
                assertThat(talk.read().code()).isEqualTo(220);
                assertThat(talk.command("EHLO client.test").code()).isEqualTo(250);
                assertThat(talk.command("MAIL FROM:<s@client.test>").code()).isEqualTo(250);
                assertThat(talk.command("RCPT TO:<alice@posthorn.test>").code()).isEqualTo(250);
                assertThat(talk.command("DATA").code()).isEqualTo(354);
                String body = "Subject: too large for the disk\r\n\r\n" + ("z".repeat(998) + "\r\n").repeat(900);
                assertThat(talk.command(body + ".").toString()).startsWith("452 4.3.1 ");
                assertThat(spoolFiles()).isZero();
                assertThat(disk.usable()).isGreaterThanOrEqualTo(free);
                assertThat(talk.command("NOOP").code()).isEqualTo(250);
            }
            TestMail.send(server, "s@client.test", "alice@posthorn.test", "fits", "small\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    Maildirs.messages(disk.root().resolve("mail/alice")).size() == 1);
        }
        assertThat(Maildirs.messages(disk.root().resolve("mail/alice")).getFirst()).contains("Subject: fits");
    }

    @Test
    void aMaildirDeliveryThatRunsOutOfSpaceIsDeferredAsFullAndMadeOnceThereIsRoom() throws Exception {
        disk = SmallDisk.mount(dir.resolve("mail"), 512 * 1024); // the Maildirs' folder; the spool is beside it
        RetrySchedule quick = new RetrySchedule(List.of(Duration.ofMillis(200)), Duration.ofDays(1),
                Duration.ofHours(4));
        String text = ("w".repeat(76) + "\r\n").repeat(8000);
        try (Daemon daemon = Daemon.start(TestConfigs.trusting(dir, 1), quick)) {
            TestMail.send(daemon.addresses().getFirst(), "s@client.test", "alice@posthorn.test", "large", text);
            await().atMost(Duration.ofSeconds(10)).until(() -> SpoolFiles.states(dir).stream().anyMatch(state ->
                    read(state).contains("rcpt PENDING 4.3.1%20maildir")));
            try (Stream<Path> partial = Files.list(disk.root().resolve("alice/tmp"))) {
                assertThat(partial).isEmpty();
            }
            assertThat(Maildirs.messages(disk.root().resolve("alice"))).isEmpty();

            disk.resize(4 * 1024 * 1024);
            await().atMost(Duration.ofSeconds(10)).until(() -> SpoolFiles.messages(dir) == 0);
        }
        List<String> delivered = Maildirs.messages(disk.root().resolve("alice"));
        assertThat(delivered).hasSize(1);
        assertThat(delivered.getFirst()).contains("Subject: large\n").endsWith(text.replace("\r\n", "\n"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return ""; // replaced meanwhile
        }
    }
}
