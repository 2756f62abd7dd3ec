package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A symbolic link planted in the mail root, end to end: the message is accepted, its delivery deferred with a
 * 4.3.0 diagnostic that names the link, and nothing is written where the link points.
 */
class MaildirLinkTest {

    @TempDir
    Path dir;

    @Test
    void deliveryThroughALinkIsDeferredAndWritesNothingOutside() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(Files.createDirectories(dir.resolve("mail")).resolve("bob"), outside);
        try (Daemon daemon = Daemon.start(TestConfigs.conformance(dir), QueueApiTest.HOURLY)) {
            TestMail.send(daemon.addresses().getFirst(), "sender@client.test", "bob@posthorn.test", "hi", "hello");
            await().atMost(Duration.ofSeconds(15)).until(() -> SpoolFiles.states(dir).stream()
                    .anyMatch(state -> read(state).contains("4.3.0")));
            String state = java.net.URLDecoder.decode(read(SpoolFiles.states(dir).getFirst()), StandardCharsets.UTF_8);
            assertThat(state).contains("rcpt PENDING 4.3.0 maildir " + dir.resolve("mail/bob"))
                    .contains("symbolic link in the mail root, refused");
            assertThat(SpoolFiles.messages(dir)).as("kept for a retry").isEqualTo(1);
        }
        try (Stream<Path> written = Files.walk(outside)) {
            assertThat(written).containsExactly(outside);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return ""; // being replaced: the next look sees the new one
        }
    }
}
