package dev.posthorn.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.capture.CaptureQuery;
import dev.posthorn.mta.capture.CaptureStore;
import dev.posthorn.mta.capture.CapturedMessage;
import dev.posthorn.smtp.server.SmtpServer;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter over a real capture store, filled over SMTP and read with Angus Mail's POP3 provider. */
class CaptureMaildropTest {

    @TempDir
    Path dir;

    private CaptureStore store;
    private SmtpServer smtp;
    private Pop3Server pop3;

    @BeforeEach
    void start() throws Exception {
        store = CaptureStore.open(dir, 100, null, Clock.systemUTC());
        smtp = SmtpServer.builder().bind("127.0.0.1", 0).hostname("dev.posthorn.test").sink(store).build().start();
    }

    @AfterEach
    void stop() {
        if (pop3 != null) {
            pop3.close();
        }
        smtp.close();
        store.close();
    }

    private void send(String subject, String text, String recipients) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(smtp.port()));
        MimeMessage message = new MimeMessage(Session.getInstance(p));
        message.setFrom(new InternetAddress("dev@example.test"));
        message.setRecipients(Message.RecipientType.TO, recipients);
        message.setSubject(subject);
        message.setText(text);
        Transport.send(message);
    }

    /** Alice marks message {@code number} (1-based) deleted and quits, which deletes it (RFC 1939, UPDATE state). */
    private void deleteAsAlice(int number) throws Exception {
        try (Store client = connect(CaptureMaildrop.factory(store), "alice@example.test")) {
            Folder inbox = client.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.getMessage(number).setFlag(Flags.Flag.DELETED, true);
            inbox.close(true);
        }
    }

    private Store connect(Maildrop.Factory factory, String user) throws Exception {
        pop3 = Pop3Server.start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0)), factory);
        Properties p = new Properties();
        p.put("mail.pop3.timeout", "10000");
        Store store = Session.getInstance(p).getStore("pop3");
        store.connect("127.0.0.1", pop3.address().getPort(), user, "any");
        return store;
    }

    private List<String> ids(String mailbox) {
        return store.list(CaptureQuery.mailbox(mailbox), 0, 100).messages().stream().map(CapturedMessage::id).toList();
    }

    @Test
    void oneMailboxOldestFirstWithStoreIdsAsUidlAndTheStoredBytes() throws Exception {
        send("first", "one\r\n.dot\r\n", "alice@example.test");
        send("second", "two\r\n", "alice@example.test, bob@example.test");
        send("third", "three\r\n", "bob@example.test");
        List<String> newestFirst = ids("alice@example.test");
        try (Store client = connect(CaptureMaildrop.factory(store), "ALICE@example.test")) {
            Folder inbox = client.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message[] messages = inbox.getMessages();
            assertThat(messages).extracting(Message::getSubject).containsExactly("first", "second");
            assertThat(messages[0].getContent()).isEqualTo("one\r\n.dot\r\n");
            assertThat(((POP3Folder) inbox).getUID(messages[0])).isEqualTo(newestFirst.get(1));
            assertThat(((POP3Folder) inbox).getUID(messages[1])).isEqualTo(newestFirst.get(0));
            inbox.close(false);
        }
        try (Pop3Client raw = new Pop3Client(pop3.address())) { // LIST gives the stored size
            raw.line();
            raw.command("USER alice@example.test");
            raw.command("PASS any");
            assertThat(raw.command("LIST 1")).isEqualTo("+OK 1 " + store.get(newestFirst.get(1)).orElseThrow().size());
        }
    }

    @Test
    void deleAndQuitDeleteFromTheStore() throws Exception {
        send("keep", "k\r\n", "alice@example.test");
        send("drop", "d\r\n", "alice@example.test");
        String drop = ids("alice@example.test").getFirst();
        deleteAsAlice(2);
        assertThat(store.get(drop)).isEmpty();
        assertThat(ids("alice@example.test")).hasSize(1).doesNotContain(drop);
    }

    @Test
    void deleOfAMessageForTwoTakesItOutOfOneMailboxOnly() throws Exception {
        send("shared", "s\r\n", "alice@example.test, bob@example.test");
        String shared = ids("alice@example.test").getFirst();
        deleteAsAlice(1);
        assertThat(ids("alice@example.test")).isEmpty();
        assertThat(ids("bob@example.test")).containsExactly(shared);
        assertThat(store.file(shared)).isPresent();
        assertThat(store.delete(shared, "bob@example.test")).isTrue();
        assertThat(store.get(shared)).isEmpty();
        assertThat(store.file(shared)).isEmpty();
    }

    @Test
    void aSnapshotHoldsTheNewestUpToTheLimit() throws Exception {
        send("old", "o\r\n", "alice@example.test");
        send("new", "n\r\n", "alice@example.test");
        try (Store client = connect(CaptureMaildrop.factory(store, 1), "alice@example.test")) {
            Folder inbox = client.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessages()).extracting(Message::getSubject).containsExactly("new");
            inbox.close(false);
        }
    }
}
