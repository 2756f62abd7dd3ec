package dev.posthorn.mta.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.server.SmtpServer;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The capture sink behind {@code posthorn sink}, fed by a real client. */
class CaptureSinkTest {

    @TempDir
    Path dir;

    private static Session session(SmtpServer server) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(server.port()));
        p.put("mail.smtp.localhost", "client.test");
        return Session.getInstance(p);
    }

    private List<Path> files(String suffix) throws Exception {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    @Test
    void writesTheMessageAsReceivedAndItsEnvelope() throws Exception {
        try (SmtpServer server = SmtpServer.builder().hostname("sink.posthorn.test").sink(new CaptureSink(dir))
                .build().start()) {
            MimeMessage message = new MimeMessage(session(server));
            message.setFrom(new InternetAddress("sender@client.test"));
            message.setRecipients(Message.RecipientType.TO, "a@one.test, b@two.test");
            message.setSubject("captured");
            message.setText("line one\r\n.line two\r\n");
            message.saveChanges();
            Transport.send(message);

            List<Path> eml = files(".eml");
            assertThat(eml).hasSize(1);
            String id = eml.getFirst().getFileName().toString().replace(".eml", "");
            byte[] stored = Files.readAllBytes(eml.getFirst());
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            message.writeTo(sent);
            String text = new String(stored, StandardCharsets.UTF_8);
            assertThat(text).startsWith("Received: from client.test").contains("id " + id);
            assertThat(text.substring(text.indexOf("\r\n", text.indexOf(";\r\n\t") + 3) + 2))
                    .isEqualTo(sent.toString(StandardCharsets.UTF_8));

            String json = Files.readString(dir.resolve(id + ".json"));
            assertThat(json).contains("\"from\" : \"sender@client.test\"", "\"address\" : \"a@one.test\"",
                    "\"address\" : \"b@two.test\"", "\"helo\" : \"client.test\"", "\"size\" : " + stored.length);
            assertThat(files(".tmp")).isEmpty();
        }
    }

    @Test
    void aMessageThatFailsLeavesNothingBehind() throws Exception {
        try (SmtpServer server = SmtpServer.builder().maxMessageSize(100).sink(new CaptureSink(dir)).build().start()) {
            MimeMessage message = new MimeMessage(session(server));
            message.setFrom(new InternetAddress("sender@client.test"));
            message.setRecipients(Message.RecipientType.TO, "a@one.test");
            message.setText("x".repeat(500));
            assertThatThrownBy(() -> Transport.send(message)).isInstanceOf(MessagingException.class)
                    .hasMessageContaining("552");
        }
        try (Stream<Path> listing = Files.list(dir)) {
            assertThat(listing.toList()).isEmpty();
        }
    }
}
