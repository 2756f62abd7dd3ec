package dev.posthorn.mta.daemon;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.util.Properties;

/** Mail sent to a daemon as an ordinary client sends it: Angus Mail over SMTP, saying HELO client.test. */
final class TestMail {

    private TestMail() {
    }

    /** The session properties for {@code server}, to add to (STARTTLS, AUTH) before {@link #message}. */
    static Properties session(InetSocketAddress server) {
        Properties p = new Properties();
        p.put("mail.smtp.host", server.getAddress().getHostAddress());
        p.put("mail.smtp.port", String.valueOf(server.getPort()));
        p.put("mail.smtp.localhost", "client.test");
        return p;
    }

    /** A one-part text message, to add header fields to before it is sent. */
    static MimeMessage message(Properties session, String from, String to, String subject, String text)
            throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(session));
        message.setFrom(new InternetAddress(from));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setSubject(subject);
        message.setText(text);
        return message;
    }

    /** Sends a one-part text message to {@code server}, without TLS or AUTH. */
    static void send(InetSocketAddress server, String from, String to, String subject, String text)
            throws MessagingException {
        Transport.send(message(session(server), from, to, subject, text));
    }
}
