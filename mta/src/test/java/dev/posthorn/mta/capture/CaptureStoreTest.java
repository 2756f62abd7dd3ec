package dev.posthorn.mta.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.posthorn.smtp.server.SmtpServer;
import dev.posthorn.smtp.testing.ManualClock;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The capture store behind {@code posthorn dev}, fed over SMTP by Jakarta Mail. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CaptureStoreTest {

    @TempDir
    Path dir;

    private CaptureStore store;
    private SmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private void start(int maxMessages, Duration maxAge, Clock clock) throws Exception {
        store = CaptureStore.open(dir, maxMessages, maxAge, clock);
        server = SmtpServer.builder().bind("127.0.0.1", 0).hostname("dev.posthorn.test").sink(store).build().start();
    }

    private void start() throws Exception {
        start(100, null, Clock.systemUTC());
    }

    private MimeMessage message(String from, String to, String subject) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(server.port()));
        p.put("mail.smtp.localhost", "client.test");
        MimeMessage message = new MimeMessage(Session.getInstance(p));
        message.setFrom(new InternetAddress(from));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setSubject(subject, "UTF-8");
        return message;
    }

    private void sendText(String from, String to, String subject, String text) throws Exception {
        MimeMessage message = message(from, to, subject);
        message.setText(text, "UTF-8");
        Transport.send(message);
    }

    private void sendWithAttachment(String to, String subject) throws Exception {
        MimeMessage message = message("files@app.test", to, subject);
        MimeBodyPart body = new MimeBodyPart();
        body.setText("see the report", "UTF-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setContent("a,b\n1,2\n".getBytes(StandardCharsets.US_ASCII), "text/csv");
        file.setFileName("report.csv");
        message.setContent(new MimeMultipart(body, file));
        Transport.send(message);
    }

    private List<String> subjects(CaptureQuery query) {
        return store.list(query, 0, 100).messages().stream().map(CapturedMessage::subject).toList();
    }

    private static CaptureQuery query(String from, String to, String subject, String text) {
        return new CaptureQuery(null, from, to, subject, text, null, null, null, null, null);
    }

    @Test
    void theStoreIsReadableByItsOwnerOnly() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path storeDir = dir.resolve("var").resolve("dev");
        store = CaptureStore.open(storeDir, 100, null, Clock.systemUTC());
        server = SmtpServer.builder().bind("127.0.0.1", 0).hostname("dev.posthorn.test").sink(store).build().start();
        sendText("app@app.test", "dev@one.test", "private", "real data");
        String id = store.list(CaptureQuery.ALL, 0, 1).messages().getFirst().id();
        Set<PosixFilePermission> directory = PosixFilePermissions.fromString("rwx------");
        Set<PosixFilePermission> file = PosixFilePermissions.fromString("rw-------");
        assertThat(Files.getPosixFilePermissions(storeDir)).isEqualTo(directory);
        assertThat(Files.getPosixFilePermissions(storeDir.resolve("messages"))).isEqualTo(directory);
        assertThat(Files.getPosixFilePermissions(store.file(id).orElseThrow())).isEqualTo(file);
        assertThat(Files.getPosixFilePermissions(storeDir.resolve("index.db"))).isEqualTo(file);
        assertThat(Files.getPosixFilePermissions(storeDir.resolve("index.db-wal"))).isEqualTo(file);
        assertThat(Files.getPosixFilePermissions(storeDir.resolve("index.db-shm"))).isEqualTo(file);
    }

    @Test
    void listsNewestFirstWithEnvelopeAndDecodedFields() throws Exception {
        start();
        sendText("first@app.test", "a@one.test", "one", "body one");
        MimeMessage second = message("Zoë <zoe@app.test>", "a@one.test, B@Two.test", "Grüße aus Köln");
        second.setRecipients(Message.RecipientType.CC, "Carol <carol@three.test>");
        second.setText("body two", "UTF-8");
        Transport.send(second);

        CaptureStore.Page page = store.list(CaptureQuery.ALL, 0, 10);
        assertThat(page.total()).isEqualTo(2);
        CapturedMessage newest = page.messages().getFirst();
        assertThat(newest.subject()).isEqualTo("Grüße aus Köln");
        assertThat(newest.from()).isEqualTo("Zoë <zoe@app.test>");
        assertThat(newest.envelopeFrom()).isEqualTo("zoe@app.test");
        assertThat(newest.recipients()).containsExactly("a@one.test", "B@Two.test", "carol@three.test");
        assertThat(newest.to()).containsExactly("a@one.test", "B@Two.test", "Carol <carol@three.test>");
        assertThat(newest.helo()).isEqualTo("client.test");
        assertThat(newest.client()).isEqualTo("127.0.0.1");
        assertThat(newest.tls()).isNull();
        assertThat(newest.date()).isNotNull();
        assertThat(newest.size()).isEqualTo(Files.size(store.file(newest.id()).orElseThrow()));
        assertThat(page.messages().get(1).subject()).isEqualTo("one");
        assertThat(Files.readString(store.file(newest.id()).orElseThrow())).startsWith("Received: from client.test");
        assertThat(store.get(newest.id())).contains(newest);
    }

    @Test
    void pagesThroughTheListWithTheTotal() throws Exception {
        start();
        for (int i = 0; i < 7; i++) {
            sendText("app@app.test", "a@one.test", "m" + i, "text");
        }
        CaptureStore.Page second = store.list(CaptureQuery.ALL, 3, 3);
        assertThat(second.total()).isEqualTo(7);
        assertThat(second.messages()).extracting(CapturedMessage::subject).containsExactly("m3", "m2", "m1");
        assertThat(store.list(CaptureQuery.ALL, 6, 3).messages()).extracting(CapturedMessage::subject)
                .containsExactly("m0");
        assertThat(store.list(CaptureQuery.ALL, 9, 3).messages()).isEmpty();
    }

    @Test
    void searchesEveryField() throws Exception {
        start();
        Instant start = Instant.now();
        sendText("alice@app.test", "dev@one.test", "Invoice 100%_done", "Your total is 42 EUR");
        sendWithAttachment("ops@two.test", "Weekly report");
        MimeMessage html = message("Bob <bob@app.test>", "dev@one.test", "=?UTF-8?B?w5xiZXJzaWNodA==?=");
        html.setContent(new MimeMultipart("alternative", textPart("plain words"),
                htmlPart("<p>Hallo <b>Welt</b></p><script>secret()</script>")));
        Transport.send(html);

        assertThat(subjects(query("ALICE", null, null, null))).containsExactly("Invoice 100%_done");
        assertThat(subjects(query("bob@", null, null, null))).containsExactly("Übersicht");
        assertThat(subjects(query(null, "OPS@two", null, null))).containsExactly("Weekly report");
        assertThat(subjects(query(null, null, "100%_", null))).containsExactly("Invoice 100%_done");
        assertThat(subjects(query(null, null, "100_%", null))).isEmpty();
        assertThat(subjects(query(null, null, "übersicht", null))).containsExactly("Übersicht");
        assertThat(subjects(query(null, null, null, "42 eur"))).containsExactly("Invoice 100%_done");
        assertThat(subjects(query(null, null, null, "hallo welt"))).isEmpty();
        assertThat(subjects(query(null, null, null, "Welt"))).containsExactly("Übersicht");
        assertThat(subjects(query(null, null, null, "secret"))).isEmpty();
        assertThat(subjects(query(null, null, null, "weekly"))).containsExactly("Weekly report");
        assertThat(subjects(new CaptureQuery(null, null, null, null, null, null, null, true, null, null)))
                .containsExactly("Weekly report");
        assertThat(subjects(new CaptureQuery(null, null, null, null, null, null, null, false, null, null)))
                .containsExactly("Übersicht", "Invoice 100%_done");
        assertThat(subjects(new CaptureQuery("DEV@one.test", null, null, null, null, null, null, null, null, null)))
                .containsExactly("Übersicht", "Invoice 100%_done");
        assertThat(subjects(new CaptureQuery(null, null, null, null, null, start, null, null, null, null)))
                .hasSize(3);
        assertThat(subjects(new CaptureQuery(null, null, null, null, null, null, start, null, null, null))).isEmpty();
        assertThat(subjects(new CaptureQuery(null, null, null, null, null, Instant.now().plusSeconds(60), null,
                null, null, null))).isEmpty();
        List<CapturedMessage> all = store.list(CaptureQuery.ALL, 0, 10).messages();
        long largest = all.stream().mapToLong(CapturedMessage::size).max().orElseThrow();
        assertThat(subjects(new CaptureQuery(null, null, null, null, null, null, null, null, largest, null)))
                .hasSize(1);
        assertThat(subjects(new CaptureQuery(null, null, null, null, null, null, null, null, null, largest - 1)))
                .hasSize(2);
    }

    private static MimeBodyPart textPart(String text) throws Exception {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(text, "UTF-8");
        return part;
    }

    private static MimeBodyPart htmlPart(String html) throws Exception {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(html, "UTF-8", "html");
        return part;
    }

    @Test
    void everyRecipientIsAMailboxAndDeletingOneKeepsTheOthers() throws Exception {
        start();
        sendText("app@app.test", "alice@one.test, bob@two.test", "both", "x");
        sendText("app@app.test", "Alice@One.test", "alice only", "x");
        sendText("app@app.test", "bob@two.test", "bob only", "x");
        assertThat(store.mailboxes()).containsExactly(new CaptureStore.Mailbox("alice@one.test", 2),
                new CaptureStore.Mailbox("bob@two.test", 2));
        assertThat(subjects(CaptureQuery.mailbox("ALICE@one.test"))).containsExactly("alice only", "both");

        assertThat(store.deleteAll("alice@ONE.test")).isEqualTo(2);
        assertThat(subjects(CaptureQuery.mailbox("alice@one.test"))).isEmpty();
        assertThat(subjects(CaptureQuery.ALL)).containsExactly("bob only", "both");
        assertThat(store.mailboxes()).containsExactly(new CaptureStore.Mailbox("bob@two.test", 2));
        assertThat(emlFiles()).hasSize(2);

        String bobOnly = store.list(CaptureQuery.ALL, 0, 1).messages().getFirst().id();
        assertThat(store.delete(bobOnly)).isTrue();
        assertThat(store.delete(bobOnly)).isFalse();
        assertThat(store.get(bobOnly)).isEmpty();
        assertThat(store.file(bobOnly)).isEmpty();
        assertThat(store.delete("../index.db")).isFalse();

        assertThat(store.deleteAll(null)).isEqualTo(1);
        assertThat(store.list(CaptureQuery.ALL, 0, 10).total()).isZero();
        assertThat(emlFiles()).isEmpty();
    }

    private List<Path> emlFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("messages"))) {
            return files.toList();
        }
    }

    @Test
    void prunesTheOldestBeyondMaxMessages() throws Exception {
        start(3, null, Clock.systemUTC());
        List<CaptureEvent> events = Collections.synchronizedList(new ArrayList<>());
        store.subscribe(events::add);
        for (int i = 0; i < 5; i++) {
            sendText("app@app.test", "a@one.test", "m" + i, "text");
        }
        assertThat(subjects(CaptureQuery.ALL)).containsExactly("m4", "m3", "m2");
        assertThat(emlFiles()).hasSize(3);
        await().untilAsserted(() -> assertThat(events).filteredOn(CaptureEvent.Deleted.class::isInstance)
                .hasSize(2));
    }

    @Test
    void prunesMessagesOlderThanMaxAge() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        start(100, Duration.ofDays(7), clock);
        sendText("app@app.test", "a@one.test", "old", "text");
        clock.advance(Duration.ofDays(3));
        assertThat(store.prune()).isZero();
        clock.advance(Duration.ofDays(5));
        assertThat(store.prune()).isEqualTo(1);
        assertThat(store.list(CaptureQuery.ALL, 0, 10).total()).isZero();
        assertThat(emlFiles()).isEmpty();
    }

    @Test
    void aPeriodicTaskPrunesByAgeWithoutBeingAsked() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        start(100, Duration.ofSeconds(1), clock);
        sendText("app@app.test", "a@one.test", "old", "text");
        assertThat(store.list(CaptureQuery.ALL, 0, 10).total()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.list(CaptureQuery.ALL, 0, 10).total() == 0);
    }

    @Test
    void aFileLeftWithoutItsIndexRowIsRemovedAtOpen() throws Exception {
        start();
        sendText("app@app.test", "a@one.test", "kept", "text");
        server.close();
        store.close();
        Path orphan = Files.writeString(dir.resolve("messages/01ORPHAN0000000000.eml"), "Subject: x\r\n\r\n");
        Path partial = Files.writeString(dir.resolve("messages/.01PARTIAL000000000.eml.tmp"), "Subj");
        store = CaptureStore.open(dir, 100, null, Clock.systemUTC());
        assertThat(orphan).doesNotExist();
        assertThat(partial).doesNotExist();
        assertThat(emlFiles()).hasSize(1);
        assertThat(subjects(CaptureQuery.ALL)).containsExactly("kept");
    }

    @Test
    void aRestartKeepsTheMessagesAndAgesArePrunedAtOpen() throws Exception {
        start();
        sendWithAttachment("a@one.test", "kept");
        String id = store.list(CaptureQuery.ALL, 0, 1).messages().getFirst().id();
        server.close();
        store.close();

        store = CaptureStore.open(dir, 100, null, Clock.systemUTC());
        assertThat(store.get(id)).hasValueSatisfying(m -> {
            assertThat(m.subject()).isEqualTo("kept");
            assertThat(m.hasAttachments()).isTrue();
        });
        assertThat(store.view(id).orElseThrow().attachments()).extracting(MessageView.Attachment::filename)
                .containsExactly("report.csv");
        store.close();

        ManualClock later = new ManualClock(Instant.now().plus(Duration.ofDays(2)));
        store = CaptureStore.open(dir, 100, Duration.ofDays(1), later);
        assertThat(store.get(id)).isEmpty();
    }

    @Test
    void subscribersHearOfChangesAndASlowOneDelaysNoSession() throws Exception {
        start();
        List<CaptureEvent> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch release = new CountDownLatch(1);
        store.subscribe(event -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AutoCloseable subscription = store.subscribe(events::add);
        sendText("app@app.test", "a@one.test", "hello", "text");
        String id = store.list(CaptureQuery.ALL, 0, 1).messages().getFirst().id();
        store.delete(id);
        store.deleteAll("a@one.test");
        await().untilAsserted(() -> assertThat(events).hasSize(3));
        assertThat(events.get(0)).isInstanceOfSatisfying(CaptureEvent.Added.class,
                added -> assertThat(added.message().subject()).isEqualTo("hello"));
        assertThat(events.get(1)).isEqualTo(new CaptureEvent.Deleted(id));
        assertThat(events.get(2)).isEqualTo(new CaptureEvent.Cleared("a@one.test"));
        subscription.close();
        release.countDown();
        sendText("app@app.test", "a@one.test", "after", "text");
        assertThat(events).hasSize(3);
    }

    @Test
    void aMalformedMessageIsStoredNotRefused() throws Exception {
        start();
        byte[] broken = ("From: <<<@@@\r\nDate: soon\r\nSubject: =?UTF-8?Q?half\r\n"
                + "Content-Type: multipart/mixed\r\n\r\n--\r\n\u00ff\r\n").getBytes(StandardCharsets.ISO_8859_1);
        dev.posthorn.smtp.client.SendResult result = dev.posthorn.smtp.client.SmtpClient.send("127.0.0.1",
                server.port(), "app@app.test", List.of("a@one.test"), broken);
        assertThat(result.reply().code()).isEqualTo(250);
        CapturedMessage stored = store.list(CaptureQuery.ALL, 0, 1).messages().getFirst();
        assertThat(result.reply().text()).contains(stored.id());
        assertThat(stored.date()).isNull();
        assertThat(stored.recipients()).containsExactly("a@one.test");
        assertThat(store.view(stored.id())).isPresent();
    }

    @Test
    void aMessageThatFailsMidwayKeepsNothing() throws Exception {
        store = CaptureStore.open(dir, 100, null, Clock.systemUTC());
        server = SmtpServer.builder().bind("127.0.0.1", 0).maxMessageSize(200).sink(store).build().start();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> sendText("app@app.test", "a@one.test", "big", "x".repeat(1000)))
                .hasMessageContaining("552");
        assertThat(store.list(CaptureQuery.ALL, 0, 10).total()).isZero();
        assertThat(emlFiles()).isEmpty();
    }
}
