package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.spool.SpoolEnvelope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queued mail and mailboxes are their owner's only, whatever the umask (a test cannot set the umask of its own JVM,
 * so it checks what the modes on disk are after a commit, a state save and a delivery: group and other get nothing).
 */
class FileModesTest {

    @TempDir
    Path dir;

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static List<Path> under(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.toList();
        }
    }

    @Test
    void spoolAndMaildirFilesAreOwnerOnly() throws Exception {
        try (Daemon daemon = Daemon.start(TestConfigs.trusting(dir, 1))) {
            TestMail.send(daemon.addresses().getFirst(), "s@client.test", "alice@posthorn.test, x@elsewhere.test",
                    "modes", "hello\r\n");
            // alice's copy is delivered; elsewhere.test has no DNS here, so the message stays with a state file.
            await().atMost(Duration.ofSeconds(10)).until(() -> Maildirs.messages(dir.resolve("mail/alice")).size() == 1
                    && !SpoolFiles.states(dir).isEmpty());
        }
        Path queue = dir.resolve("spool/queue");
        List<Path> committed;
        try (Stream<Path> files = Files.list(queue)) {
            committed = files.filter(f -> SpoolEnvelope.isId(f.getFileName().toString())).toList();
        }
        assertThat(committed).hasSize(1);
        assertThat(SpoolFiles.states(dir)).hasSize(1);
        for (Path path : under(dir.resolve("spool"))) {
            if (path.startsWith(dir.resolve("spool/tls")) && path.getFileName().toString().equals("cert.pem")) {
                continue; // the certificate is public
            }
            assertThat(mode(path)).as(path.toString()).isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
        }
        for (Path path : under(dir.resolve("mail"))) {
            assertThat(mode(path)).as(path.toString()).isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
        }
    }
}
