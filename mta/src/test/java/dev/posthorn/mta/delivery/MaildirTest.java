package dev.posthorn.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.MessageBody;
import dev.posthorn.mta.spool.SpoolEnvelope;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Maildir delivery: the maildir(5) convention, trace headers, LF line ends, unique names. */
class MaildirTest {

    @TempDir
    Path dir;

    private static ByteArrayInputStream message(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void messageLandsInNewWithTraceHeadersAndUnixLineEnds() throws Exception {
        Maildir maildir = new Maildir(dir, "alice", "mx.posthorn.test");
        Path file = maildir.store("sender@client.test", "alice@posthorn.test",
                message("Subject: hi\r\n\r\nline\r\nbare\rcr\r\n"));
        assertThat(file.getParent()).isEqualTo(dir.resolve("alice/new"));
        assertThat(Files.readString(file)).isEqualTo("Return-Path: <sender@client.test>\n"
                + "Delivered-To: alice@posthorn.test\nSubject: hi\n\nline\nbare\rcr\n");
        try (Stream<Path> tmp = Files.list(dir.resolve("alice/tmp"))) {
            assertThat(tmp).isEmpty();
        }
        assertThat(dir.resolve("alice/cur")).isDirectory();
    }

    /** As a {@link Transport}: each recipient its own copy from a fresh stream, the sender from the envelope. */
    @Test
    void asATransportEachRecipientGetsItsOwnCopy() throws Exception {
        Maildir maildir = new Maildir(dir, "alice", "mx.posthorn.test");
        SpoolEnvelope envelope = Envelopes.of("01MD", Instant.now(), "", "alice@posthorn.test");
        List<Outcome> outcomes = maildir.deliver(envelope, Envelopes.mailboxes("alice@posthorn.test",
                "alice+list@posthorn.test"), MessageBody.of("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8)),
                new DeliveryTrace());
        assertThat(outcomes).hasSize(2).allMatch(o -> o instanceof Outcome.Delivered d
                && d.handover() == Outcome.Handover.FINAL && d.diagnostic().startsWith("maildir "));
        try (Stream<Path> files = Files.list(dir.resolve("alice/new"))) {
            assertThat(files.map(f -> {
                try {
                    return Files.readString(f);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })).containsExactlyInAnyOrder("Return-Path: <>\nDelivered-To: alice@posthorn.test\nSubject: x\n\nx\n",
                    "Return-Path: <>\nDelivered-To: alice+list@posthorn.test\nSubject: x\n\nx\n");
        }
    }

    /** As a {@link Transport}, a copy that cannot be written is deferred (4.3.0), never thrown. */
    @Test
    void asATransportARefusedFolderDefers() throws Exception {
        Path mail = Files.createDirectories(dir.resolve("mail"));
        Files.createSymbolicLink(mail.resolve("bob"), Files.createDirectories(dir.resolve("outside")));
        List<Outcome> outcomes = new Maildir(mail, "bob", "mx").deliver(
                Envelopes.of("01MD", Instant.now(), "s@x.test", "bob@x.test"), Envelopes.mailboxes("bob@x.test"),
                MessageBody.of("x\r\n".getBytes(StandardCharsets.UTF_8)), new DeliveryTrace());
        assertThat(outcomes).singleElement().isInstanceOf(Outcome.Deferred.class)
                .satisfies(o -> assertThat(o.diagnostic()).startsWith("4.3.0 maildir ").contains("symbolic link"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3, 7, 4096})
    void lineEndsAreConvertedWhateverTheReadSizes(int piece) throws Exception {
        String text = "a\r\nb\rc\r\r\nd\n\r\n" + "x".repeat(70_000) + "\r\n\r";
        java.io.InputStream pieces = new java.io.FilterInputStream(message(text)) {
            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                return super.read(b, off, Math.min(len, piece));
            }
        };
        Path file = new Maildir(dir, "p" + piece, "mx").store("s@x", "p@x", pieces);
        assertThat(Files.readString(file)).isEqualTo("Return-Path: <s@x>\nDelivered-To: p@x\n"
                + "a\nb\rc\r\nd\n\n" + "x".repeat(70_000) + "\n\r");
    }

    @Test
    void nullSenderIsWrittenAsEmptyReturnPath() throws Exception {
        Path file = new Maildir(dir, "bob", "mx").store("", "bob@x.test", message("x\r\n"));
        assertThat(Files.readString(file)).startsWith("Return-Path: <>\n");
    }

    @Test
    void concurrentDeliveriesGetDistinctFiles() throws Exception {
        Maildir maildir = new Maildir(dir, "carol", "mx");
        Set<Path> files = new HashSet<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Path>> futures = Stream.iterate(0, i -> i + 1).limit(100)
                    .map(i -> pool.submit(() -> maildir.store("s@x", "carol@x", message("n " + i + "\r\n"))))
                    .toList();
            for (Future<Path> f : futures) {
                files.add(f.get());
            }
        }
        assertThat(files).hasSize(100);
        try (Stream<Path> fresh = Files.list(dir.resolve("carol/new"))) {
            assertThat(fresh).hasSize(100);
        }
    }

    @Test
    void hostnameCannotMakeANameWithASlash() throws Exception {
        Path file = new Maildir(dir, "d", "a/b:c").store("s@x", "d@x", message("x\r\n"));
        assertThat(file.getFileName().toString()).endsWith(".a\\057b\\072c");
    }

    @Test
    void filesLeftInTmpForMoreThan36HoursAreRemoved() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("old/tmp"));
        Path stale = Files.writeString(tmp.resolve("1.M1P1Q1.host"), "died mid-delivery");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(37))));
        Path recent = Files.writeString(tmp.resolve("2.M2P2Q2.host"), "being written right now");
        new Maildir(dir, "old", "mx").store("s@x", "old@x", message("x\r\n"));
        assertThat(stale).doesNotExist();
        assertThat(recent).exists();
    }

    /** A link planted in the mail root: deliveries must never follow it out of the root. */
    @ParameterizedTest
    @ValueSource(strings = {"bob", "bob/new", "bob/tmp", "bob/cur"})
    void aSymbolicLinkInTheMaildirIsRefused(String link) throws Exception {
        Path mail = Files.createDirectories(dir.resolve("mail"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        if (!link.equals("bob")) {
            Files.createDirectories(mail.resolve("bob"));
        }
        Files.createSymbolicLink(mail.resolve(link), outside);
        Maildir maildir = new Maildir(mail, "bob", "mx");
        assertThatThrownBy(() -> maildir.store("s@x", "bob@x", message("x\r\n")))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("symbolic link");
        try (Stream<Path> written = Files.walk(outside)) {
            assertThat(written).as("nothing outside the mail root").containsExactly(outside);
        }
        assertThat(Files.isSymbolicLink(mail.resolve(link))).as("the link is left for the operator to see").isTrue();
    }

    @Test
    void aDanglingLinkIsNotFollowedEither() throws Exception {
        Path mail = Files.createDirectories(dir.resolve("mail"));
        Files.createSymbolicLink(mail.resolve("eve"), dir.resolve("nowhere"));
        assertThatThrownBy(() -> new Maildir(mail, "eve", "mx").store("s@x", "eve@x", message("x\r\n")))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("symbolic link");
        assertThat(dir.resolve("nowhere")).doesNotExist();
    }

    @Test
    void aLinkPlantedAfterTheFirstDeliveryIsRefusedToo() throws Exception {
        Path mail = Files.createDirectories(dir.resolve("mail"));
        Maildir maildir = new Maildir(mail, "bob", "mx");
        maildir.store("s@x", "bob@x", message("first\r\n"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path fresh = mail.resolve("bob/new");
        try (Stream<Path> files = Files.list(fresh)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(fresh);
        Files.createSymbolicLink(fresh, outside);
        assertThatThrownBy(() -> maildir.store("s@x", "bob@x", message("second\r\n")))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("symbolic link");
        try (Stream<Path> written = Files.walk(outside)) {
            assertThat(written).containsExactly(outside);
        }
    }

    @Test
    void aMailRootThatIsALinkIsTheOperatorsChoice() throws Exception {
        // /var/mail -> /var/spool/mail is common: the configured root may be a link; below it, none may.
        Path real = Files.createDirectories(dir.resolve("spool-mail"));
        Path mail = Files.createSymbolicLink(dir.resolve("mail"), real);
        Path file = new Maildir(mail, "amy", "mx").store("s@x", "amy@x", message("x\r\n"));
        assertThat(real.resolve("amy/new").resolve(file.getFileName())).exists();
    }
}
