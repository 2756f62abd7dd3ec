package dev.posthorn.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Angus Mail's POP3 provider (a real client) against the server: plain, STLS required, and pop3s. */
class Pop3AngusMailTest {

    static final String BOX = "alice@example.test";

    @RegisterExtension
    final Pop3Rig rig = new Pop3Rig();

    private static Store connect(String protocol, InetSocketAddress address, String user, String password,
                                 Map<String, String> extra) throws MessagingException {
        Properties p = new Properties();
        p.put("mail." + protocol + ".connectiontimeout", "10000");
        p.put("mail." + protocol + ".timeout", "10000");
        p.put("mail." + protocol + ".ssl.trust", "*");
        extra.forEach((key, value) -> p.put("mail." + protocol + "." + key, value));
        Store store = Session.getInstance(p).getStore(protocol);
        store.connect(address.getHostString(), address.getPort(), user, password);
        return store;
    }

    private void put(String id, String subject, String text) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress("sender@example.test"));
        message.setRecipients(Message.RecipientType.TO, BOX);
        message.setSubject(subject);
        message.setText(text);
        message.saveChanges();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        message.writeTo(bytes);
        DirectoryMaildrop.put(rig.root(), BOX, id, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void readsSubjectsAndTextsWithUidsOverStlsRequired() throws Exception {
        put("m1", "first", "hello\r\n.dotted line\r\n.\r\nend\r\n");
        put("m2", "second", "two\r\n");
        Store store = connect("pop3", rig.start(Pop3Rig.stls()), "Alice@Example.test", "any",
                Map.of("starttls.enable", "true", "starttls.required", "true"));
        try (store) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message[] messages = inbox.getMessages();
            assertThat(messages).hasSize(2);
            assertThat(messages[0].getSubject()).isEqualTo("first"); // headers via TOP n 0
            assertThat(messages[0].getContent()).isEqualTo("hello\r\n.dotted line\r\n.\r\nend\r\n");
            assertThat(messages[1].getSubject()).isEqualTo("second");
            assertThat(((POP3Folder) inbox).getUID(messages[0])).isEqualTo("m1");
            assertThat(((POP3Folder) inbox).getUID(messages[1])).isEqualTo("m2");
            inbox.close(false);
        }
    }

    @Test
    void stlsRequiredFailsAgainstAServerWithoutTls() throws Exception {
        InetSocketAddress address = rig.start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0)));
        assertThatThrownBy(() -> connect("pop3", address, BOX, "any",
                Map.of("starttls.enable", "true", "starttls.required", "true")))
                .isInstanceOf(MessagingException.class);
    }

    @Test
    void deletedMessagesAreGoneAfterCloseWithExpunge() throws Exception {
        put("m1", "keep", "k\r\n");
        put("m2", "drop", "d\r\n");
        InetSocketAddress address = rig.start(Pop3Rig.stls());
        try (Store store = connect("pop3", address, BOX, "any", Map.of())) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.getMessage(2).setFlag(Flags.Flag.DELETED, true);
            inbox.close(true); // DELE 2, QUIT
        }
        assertThat(Files.exists(DirectoryMaildrop.folder(rig.root(), BOX).resolve("m2.eml"))).isFalse();
        try (Store store = connect("pop3", address, BOX, "any", Map.of())) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("keep");
            inbox.close(false);
        }
    }

    @Test
    void pop3sWithEnforcedPasswords() throws Exception {
        put("m1", "secret", "s\r\n");
        InetSocketAddress address = rig.start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0))
                .withImplicitTls(Pop3Rig.TLS).withUsers(Map.of(BOX, "right")));
        assertThatThrownBy(() -> connect("pop3s", address, BOX, "wrong", Map.of()))
                .isInstanceOf(jakarta.mail.AuthenticationFailedException.class);
        try (Store store = connect("pop3s", address, BOX, "right", Map.of())) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("secret");
            inbox.close(false);
        }
    }
}
