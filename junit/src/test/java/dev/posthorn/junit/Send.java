package dev.posthorn.junit;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/** Sends test messages with Angus Mail, as an application under test would. */
final class Send {

    private Send() {
    }

    /** A plain text message from {@code from} to {@code to}. */
    static MimeMessage text(Session session, String from, String to, String subject, String body)
            throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        message.setSubject(subject, "UTF-8");
        message.setText(body, "UTF-8");
        Transport.send(message);
        return message;
    }

    /** multipart/mixed: multipart/alternative (text, HTML), then a PDF attachment; with an X-Campaign field. */
    static void rich(Session session, byte[] pdf) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("Shop <shop@example.com>"));
        message.setRecipients(Message.RecipientType.TO, "Alice <alice@example.org>");
        message.setRecipients(Message.RecipientType.CC, "carol@example.org");
        message.setSubject("Your receipt für März", "UTF-8");
        message.setHeader("X-Campaign", "spring");

        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Total: 12.00 EUR", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>Total: <b>12.00</b> EUR</p>", "text/html; charset=UTF-8");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        MimeBodyPart body = new MimeBodyPart();
        body.setContent(alternative);

        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setContent(pdf, "application/pdf");
        attachment.setFileName("receipt.pdf");
        attachment.setDisposition(MimeBodyPart.ATTACHMENT);

        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(body);
        mixed.addBodyPart(attachment);
        message.setContent(mixed);
        Transport.send(message);
    }
}
