package dev.posthorn.mta.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local submissions (sendmail) write beside the daemon: under {@code local.<id>} with a lock, so that the daemon's
 * start-up sweep neither reuses nor removes a message being written, and removes one whose writer died.
 * interop/sendmail has the case across two processes.
 */
class LocalSubmissionFilesTest {

    @TempDir
    Path root;

    private List<String> queueNames() throws Exception {
        try (Stream<Path> files = Files.list(root.resolve("queue"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aMessageBeingWrittenSurvivesTheSweepAndCommitsAfterIt() throws Exception {
        Spool local = Spool.openForSubmission(root);
        String id = "01M96KE21XG2N7W001";
        try (MessageWriter writer = local.writer(id)) {
            writer.body().write("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
            try (InputStream written = writer.written()) { // read back (DKIM) through the writer's own channel
                assertThat(new String(written.readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("Subject: x\r\n\r\nbody\r\n");
            }
            assertThat(queueNames()).containsExactly("local." + id);

            Spool daemon = Spool.open(root);
            assertThat(daemon.sweep()).isEmpty();
            assertThat(queueNames()).containsExactly("local." + id);
            // The daemon did not take it for a spare either: its next message gets a file of its own.
            SpoolTest.commit(daemon, "01M96KE21XG2N7W002", "other\r\n", "b@example.org");

            writer.commit(SpoolTest.envelope(id, "a@example.org"));
        }
        assertThat(queueNames()).containsExactly(id, "01M96KE21XG2N7W002");
        List<QueuedMessage> queued = Spool.open(root).sweep();
        assertThat(queued).extracting(QueuedMessage::id).containsExactly(id, "01M96KE21XG2N7W002");
        try (InputStream body = Spool.open(root).body(queued.getFirst())) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("Subject: x\r\n\r\nbody\r\n");
        }
    }

    @Test
    void anAbandonedLocalSubmissionIsRemovedByTheSweep() throws Exception {
        Spool.open(root);
        Files.writeString(root.resolve("queue").resolve("local.01M96KE21XG2N7W003"), "half a message");
        assertThat(Spool.open(root).sweep()).isEmpty();
        assertThat(queueNames()).isEmpty();
        assertThat(Files.list(root.resolve("corrupt")).count()).isZero();
    }

    @Test
    void aLocalSubmissionThatIsNotCommittedLeavesNothing() throws Exception {
        Spool local = Spool.openForSubmission(root);
        try (MessageWriter writer = local.writer("01M96KE21XG2N7W004")) {
            writer.body().write("half".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(queueNames()).isEmpty();
    }
}
