package dev.posthorn.mta.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.OriginalRecipient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit protocol and the start-up sweep of the spool. */
class SpoolTest {

    @TempDir
    Path root;

    static SpoolEnvelope envelope(String id, String... recipients) {
        List<SpoolEnvelope.Recipient> list = new ArrayList<>();
        for (String r : recipients) {
            list.add(new SpoolEnvelope.Recipient(Mailbox.parse(r, true),
                    Optional.of(new OriginalRecipient("rfc822", r)), Set.of(DsnNotify.FAILURE, DsnNotify.DELAY)));
        }
        return new SpoolEnvelope(id, Instant.ofEpochMilli(1_795_000_000_000L), Envelopes.sender("sender@client.test"),
                list).with(new SpoolEnvelope.Parameters(BodyType.EIGHT_BIT_MIME, false, Optional.empty(),
                Optional.of("a b%c\r\nd"))).with(new SpoolEnvelope.Client(Origin.TRUSTED, Optional.empty(),
                Optional.of("client.test"), Optional.empty()));
    }

    static QueuedMessage commit(Spool spool, String id, String body, String... recipients) throws IOException {
        try (MessageWriter writer = spool.writer(id)) {
            writer.body().write(body.getBytes(StandardCharsets.UTF_8));
            return writer.commit(envelope(id, recipients));
        }
    }

    private List<String> names(String dir) throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(dir))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String read(Spool spool, QueuedMessage message) throws IOException {
        try (InputStream in = spool.body(message)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theBodyEndsWhereTheMessageEndsWhetherReadBySkipOrByOctet() throws Exception {
        FileSpool spool = Spool.open(root);
        spool.sweep();
        String body = "Subject: x\r\n\r\nbody\r\n";
        QueuedMessage message = commit(spool, "01A", body, "a@x.test");
        try (InputStream in = spool.body(message)) {
            // The envelope and footer follow the body in the same file: skipping must not reach them.
            assertThat(in.available()).isBetween(0, body.length());
            assertThat(in.skip(body.length() + 1000L)).isEqualTo(body.length());
            assertThat(in.available()).isZero();
            assertThat(in.read()).isEqualTo(-1);
        }
        try (InputStream in = spool.body(message)) {
            StringBuilder octets = new StringBuilder();
            for (int c = in.read(); c >= 0; c = in.read()) {
                octets.append((char) c);
            }
            assertThat(octets.toString()).isEqualTo(body);
        }
    }

    /**
     * A queue file written by the version before typed envelopes (its envelope text as that version's SpoolSink
     * wrote it, DKIM-Signature field included) is recovered after the upgrade and delivers the same octets.
     */
    @Test
    void aMessageQueuedByThePreviousVersionIsRecoveredWithItsTypedEnvelope() throws Exception {
        Spool.open(root).sweep();
        byte[] body = "Subject: old\r\n\r\nqueued before the upgrade\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] envelope = """
                id 01OLD
                received 1795000000000
                sender alice@example.org
                param body 7BIT
                param client 192.0.2.1
                param headers DKIM-Signature:%20v=1%0d%0a
                param helo client.example
                param origin untrusted
                param received 1
                rcpt bob@y.test rfc822;team@y.test SUCCESS
                end
                """.getBytes(StandardCharsets.US_ASCII);
        java.nio.ByteBuffer footer = MessageFile.footer(body.length, envelope);
        byte[] file = new byte[body.length + envelope.length + footer.remaining()];
        System.arraycopy(body, 0, file, 0, body.length);
        System.arraycopy(envelope, 0, file, body.length, envelope.length);
        footer.get(file, body.length + envelope.length, footer.remaining());
        Files.write(root.resolve("queue/01OLD"), file);

        FileSpool reopened = Spool.open(root);
        QueuedMessage message = reopened.sweep().getFirst();
        assertThat(message.id()).isEqualTo("01OLD");
        assertThat(message.envelope().client().origin()).isEqualTo(Origin.UNTRUSTED);
        assertThat(message.envelope().receivedCount()).hasValue(1);
        assertThat(message.envelope().recipients()).singleElement().satisfies(r -> {
            assertThat(r.address()).isEqualTo(Mailbox.parse("bob@y.test", false));
            assertThat(r.original()).contains(new OriginalRecipient("rfc822", "team@y.test"));
            assertThat(r.notifications()).containsExactly(DsnNotify.SUCCESS);
        });
        assertThat(read(reopened, message)).isEqualTo("DKIM-Signature: v=1\r\nSubject: old\r\n\r\n"
                + "queued before the upgrade\r\n");
        assertThat(reopened.root().resolve("corrupt")).isEmptyDirectory();
    }

    @Test
    void committedMessageSurvivesARestartWithEnvelopeAndBody() throws Exception {
        FileSpool spool = Spool.open(root);
        spool.sweep();
        QueuedMessage committed = commit(spool, "01A", "Subject: x\r\n\r\nbody\r\n", "a@x.test", "b@y.test");

        FileSpool reopened = Spool.open(root);
        List<QueuedMessage> recovered = reopened.sweep();
        assertThat(recovered).hasSize(1);
        QueuedMessage message = recovered.getFirst();
        assertThat(message.envelope()).isEqualTo(committed.envelope());
        assertThat(message.bodyLength()).isEqualTo(20);
        assertThat(read(reopened, message)).isEqualTo("Subject: x\r\n\r\nbody\r\n");
        assertThat(message.state().attempts()).isZero();
        assertThat(message.state().recipients()).hasSize(2);
    }

    @Test
    void headersFoundAfterTheBodyIsReadAreDeliveredOnTopOfIt() throws Exception {
        FileSpool spool = Spool.open(root);
        spool.sweep();
        String body = "Subject: x\r\n\r\nbody\r\n";
        String headers = "Authentication-Results: mx.test; spf=pass\r\n";
        QueuedMessage committed;
        try (MessageWriter writer = spool.writer("01H")) {
            writer.body().write(body.getBytes(StandardCharsets.UTF_8));
            try (InputStream written = writer.written()) {
                assertThat(new String(written.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(body);
            }
            committed = writer.commit(envelope("01H", "a@x.test").withHeaderOnTop(headers));
        }
        assertThat(read(spool, committed)).isEqualTo(headers + body);
        QueuedMessage recovered = Spool.open(root).sweep().getFirst();
        assertThat(recovered.bodyLength()).isEqualTo(body.length());
        assertThat(recovered.messageLength()).isEqualTo(headers.length() + body.length());
        assertThat(read(spool, recovered)).isEqualTo(headers + body);
    }

    @Test
    void aRemovedMessagesFileIsReusedForTheNextAndCutToItsLength() throws Exception {
        FileSpool spool = Spool.open(root);
        spool.sweep();
        QueuedMessage first = commit(spool, "01R", "Subject: long\r\n\r\n" + "x".repeat(5000) + "\r\n", "a@x.test");
        spool.remove(first, false);
        assertThat(spool.contains("01R")).isFalse();
        assertThat(spool.spares()).isEqualTo(1);
        assertThat(names("queue")).containsExactly("spare.01R");

        QueuedMessage second = commit(spool, "01S", "Subject: short\r\n\r\nbody\r\n", "b@y.test");
        assertThat(spool.spares()).isZero();
        assertThat(names("queue")).containsExactly("01S");
        assertThat(read(spool, second)).isEqualTo("Subject: short\r\n\r\nbody\r\n");

        List<QueuedMessage> recovered = Spool.open(root).sweep();
        assertThat(recovered).extracting(QueuedMessage::id).containsExactly("01S");
        assertThat(recovered.getFirst().envelope()).isEqualTo(second.envelope());
        assertThat(names("corrupt")).isEmpty();
    }

    @Test
    void aSpareFileKeepsNothingOfTheMessageItHeld() throws Exception {
        FileSpool spool = Spool.open(root);
        spool.sweep();
        String body = "Subject: private\r\n\r\nthe secret plan\r\n";
        QueuedMessage delivered = commit(spool, "01U", body, "a@x.test");
        long length = Files.size(root.resolve("queue/01U"));
        spool.remove(delivered, false);

        byte[] spare = Files.readAllBytes(root.resolve("queue/spare.01U"));
        assertThat(spare).as("the file keeps its length (its blocks stay allocated for the next message)")
                .hasSize((int) length);
        assertThat(spare).as("but not a byte of the message or its envelope").containsOnly((byte) 0);

        // A spare left by an earlier process (a crash, or a version that did not blank them) is blanked when kept.
        Files.writeString(root.resolve("queue/spare.01V"), "Subject: old\r\n\r\nan earlier secret\r\n");
        FileSpool reopened = Spool.open(root);
        reopened.sweep();
        assertThat(reopened.spares()).isEqualTo(2);
        assertThat(Files.readAllBytes(root.resolve("queue/spare.01V"))).hasSize(35).containsOnly((byte) 0);
    }

    @Test
    void theSweepKeepsSpareFilesForReuse() throws Exception {
        FileSpool spool = Spool.open(root);
        spool.sweep();
        spool.remove(commit(spool, "01T", "Subject: x\r\n\r\nbody\r\n", "a@x.test"), false);
        FileSpool reopened = Spool.open(root);
        assertThat(reopened.sweep()).isEmpty();
        assertThat(reopened.spares()).isEqualTo(1);
        assertThat(names("corrupt")).isEmpty();
    }

    @Test
    void largeFilesAreDeletedNotKept() throws Exception {
        FileSpool spool = Spool.open(root);
        spool.sweep();
        String big = "Subject: big\r\n\r\n" + "y".repeat((int) Spares.MAX_LENGTH) + "\r\n";
        spool.remove(commit(spool, "01U", big, "a@x.test"), false);
        assertThat(spool.spares()).isZero();
        assertThat(names("queue")).isEmpty();
    }

    @Test
    void uncommittedWriterLeavesNothing() throws Exception {
        FileSpool spool = Spool.open(root);
        try (MessageWriter writer = spool.writer("01B")) {
            writer.body().write("half a message".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(names("tmp")).isEmpty();
        assertThat(names("queue")).isEmpty();
    }

    @Test
    void sweepClearsTmpFromACrashMidMessage() throws Exception {
        FileSpool spool = Spool.open(root);
        Files.writeString(root.resolve("tmp/01C"), "written before the crash");
        assertThat(spool.sweep()).isEmpty();
        assertThat(names("tmp")).isEmpty();
    }

    @Test
    void tornQueueFileGoesToCorrupt() throws Exception {
        FileSpool spool = Spool.open(root);
        commit(spool, "01D", "body\r\n", "a@x.test");
        Path file = root.resolve("queue/01D");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        assertThat(Spool.open(root).sweep()).isEmpty();
        assertThat(names("queue")).isEmpty();
        assertThat(names("corrupt")).singleElement().asString().startsWith("01D.");
    }

    @Test
    void damagedEnvelopeIsDetectedByItsChecksum() throws Exception {
        FileSpool spool = Spool.open(root);
        commit(spool, "01E", "body\r\n", "a@x.test");
        Path file = root.resolve("queue/01E");
        byte[] bytes = Files.readAllBytes(file);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("a@x.test");
        bytes[at] = 'b';
        Files.write(file, bytes);
        assertThat(Spool.open(root).sweep()).isEmpty();
        assertThat(names("corrupt")).hasSize(1);
    }

    @Test
    void foreignFilesAndOrphanStatesAreCleared() throws Exception {
        FileSpool spool = Spool.open(root);
        Files.writeString(root.resolve("queue/notes.txt"), "hello");
        Files.writeString(root.resolve("queue/01F.state"), "attempts 1\n");
        assertThat(spool.sweep()).isEmpty();
        assertThat(names("queue")).isEmpty();
        assertThat(names("corrupt")).singleElement().asString().startsWith("notes.txt.");
    }

    @Test
    void deliveryStateIsSavedAndRecovered() throws Exception {
        FileSpool spool = Spool.open(root);
        QueuedMessage message = commit(spool, "01G", "body\r\n", "a@x.test", "b@y.test");
        DeliveryState state = message.state()
                .with(0, DeliveryState.Status.DELIVERED, "250 2.0.0 ok")
                .with(1, DeliveryState.Status.PENDING, "452 4.2.2 mailbox full")
                .attempted(Instant.ofEpochMilli(1_795_000_060_000L));
        spool.save("01G", state);
        QueuedMessage recovered = Spool.open(root).sweep().getFirst();
        assertThat(recovered.state()).isEqualTo(state);
        assertThat(recovered.state().isFinished()).isFalse();
    }

    @Test
    void damagedStateIsSetAsideAndDeliveryStartsOver() throws Exception {
        FileSpool spool = Spool.open(root);
        commit(spool, "01H", "body\r\n", "a@x.test");
        Files.writeString(root.resolve("queue/01H.state"), "garbage");
        QueuedMessage recovered = Spool.open(root).sweep().getFirst();
        assertThat(recovered.state().attempts()).isZero();
        assertThat(names("corrupt")).singleElement().asString().startsWith("01H.state.");
    }

    @Test
    void removedMessageIsGone() throws Exception {
        FileSpool spool = Spool.open(root);
        QueuedMessage message = commit(spool, "01I", "body\r\n", "a@x.test");
        spool.save("01I", message.state().attempted(Instant.now()));
        spool.remove("01I", true);
        assertThat(spool.contains("01I")).isFalse();
        assertThat(names("queue")).isEmpty();
    }

    @Test
    void concurrentCommitsAllLand() throws Exception {
        FileSpool spool = Spool.open(root);
        List<Future<QueuedMessage>> futures = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                String id = String.format("02%04d", i);
                futures.add(pool.submit(() -> commit(spool, id, "message " + id + "\r\n", "a@x.test")));
            }
        }
        for (Future<QueuedMessage> f : futures) {
            assertThat(f.get().bodyLength()).isEqualTo(16);
        }
        assertThat(Spool.open(root).sweep()).hasSize(200).allMatch(m -> m.envelope().recipients().size() == 1);
    }

    @Test
    void largeBodyIsStreamed() throws Exception {
        FileSpool spool = Spool.open(root);
        byte[] chunk = "0123456789abcdef".repeat(4096).getBytes(StandardCharsets.US_ASCII);
        QueuedMessage message;
        try (MessageWriter writer = spool.writer("01J")) {
            OutputStream out = writer.body();
            for (int i = 0; i < 256; i++) {
                out.write(chunk);
            }
            message = writer.commit(envelope("01J", "a@x.test"));
        }
        assertThat(message.bodyLength()).isEqualTo(256L * chunk.length);
        try (InputStream in = spool.body(message)) {
            assertThat(in.transferTo(OutputStream.nullOutputStream())).isEqualTo(message.bodyLength());
        }
    }

    @Test
    void scanFindsTheEarliestDueWithinItsBoundAndNamesWhenTheRestIsDue() throws Exception {
        FileSpool spool = Spool.open(root);
        spool.sweep();
        Instant now = Instant.now();
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        java.util.Map<String, Instant> due = new java.util.HashMap<>();
        for (int i = 0; i < 40; i++) {
            String id = String.format("03%04d", i);
            QueuedMessage message = commit(spool, id, "m\r\n", "a@x.test");
            Instant next = now.plusSeconds(random.nextInt(-3600, 3600)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            spool.save(id, message.state().attempted(next));
            due.put(id, next);
        }
        QueuedMessage fresh = commit(spool, "040000", "m\r\n", "a@x.test"); // no state: due since its commit
        due.put(fresh.id(), Files.getLastModifiedTime(root.resolve("queue/040000")).toInstant());
        List<String> dueNow = due.entrySet().stream().filter(e -> !e.getValue().isAfter(now))
                .sorted(java.util.Map.Entry.<String, Instant>comparingByValue().thenComparing(
                        java.util.Map.Entry.comparingByKey()))
                .map(java.util.Map.Entry::getKey).toList();

        Scan scan = spool.scan(now, 5, id -> id.equals(dueNow.getFirst()));

        assertThat(scan.due()).extracting(Scan.Due::id).containsExactlyElementsOf(dueNow.subList(1, 6));
        assertThat(scan.next()).contains(due.get(dueNow.get(6)));
        assertThat(spool.scan(now.minusSeconds(7200), 5, id -> false).due()).isEmpty();
        Instant latest = due.values().stream().max(Instant::compareTo).orElseThrow();
        assertThat(spool.scan(latest, 100, id -> false).due()).hasSize(41);
        assertThat(spool.scan(latest, 100, id -> false).next()).isEmpty();
    }

    @Test
    void loadReadsOneMessageWithItsStateAndIsEmptyOnceItIsGone() throws Exception {
        FileSpool spool = Spool.open(root);
        spool.sweep();
        QueuedMessage message = commit(spool, "05A", "m\r\n", "a@x.test", "b@x.test");
        spool.save("05A", message.state().with(1, DeliveryState.Status.DELIVERED, "ok").attempted(Instant.now()));
        assertThat(spool.load("05A")).get().satisfies(m -> {
            assertThat(m.envelope()).isEqualTo(message.envelope());
            assertThat(m.state().recipients().get(1).status()).isEqualTo(DeliveryState.Status.DELIVERED);
        });
        spool.remove("05A", true);
        assertThat(spool.load("05A")).isEmpty();
    }
}
