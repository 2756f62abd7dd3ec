package dev.posthorn.mta.bounce;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Properties;
import org.eclipse.angus.mail.dsn.DeliveryStatus;

/**
 * The tests' one reader of delivery status notifications (RFC 3464 in an RFC 6522 multipart/report), as a mail
 * client reads them: Angus Mail's MIME parser and its {@link DeliveryStatus}. A report's second part is the
 * delivery-status part (RFC 6522 3, RFC 6533 6.1 for the global one).
 *
 * <p>Its contract, which {@code DsnFuzzTest} holds it to: whatever the bytes, it returns a report or throws
 * {@link MessagingException} (not a report, or a malformed one, also when Angus Mail itself trips over it) or
 * {@link IOException}; nothing else.
 */
public final class Dsns {

    private Dsns() {
    }

    /**
     * A report, read.
     *
     * @param message the whole message
     * @param parts   its parts: the human-readable text, the delivery status, the original or its headers
     * @param status  the delivery-status part's fields: per message, then per recipient
     */
    public record Dsn(MimeMessage message, MimeMultipart parts, DeliveryStatus status) {
    }

    /**
     * Reads {@code message} (with CRLF line ends, as on the wire).
     *
     * @throws MessagingException when it is not a multipart/report whose second part is a delivery status, or that
     *                            part cannot be read
     */
    public static Dsn read(byte[] message) throws MessagingException, IOException {
        try {
            return parse(message);
        } catch (RuntimeException e) {
            // Angus Mail throws for some malformed input instead of reporting it: DsnFuzzTest found a header section
            // whose first line is a continuation line (IndexOutOfBoundsException in InternetHeaders.addHeaderLine).
            throw new MessagingException("unreadable message: " + e, e);
        }
    }

    private static Dsn parse(byte[] message) throws MessagingException, IOException {
        MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
        if (!mime.isMimeType("multipart/report") || !(mime.getContent() instanceof MimeMultipart parts)) {
            throw new MessagingException("not a multipart/report: " + mime.getContentType());
        }
        if (parts.getCount() < 2) {
            throw new MessagingException("a report of " + parts.getCount() + " part(s)");
        }
        BodyPart status = parts.getBodyPart(1);
        if (!status.isMimeType("message/delivery-status") && !status.isMimeType("message/global-delivery-status")) {
            throw new MessagingException("the second part is " + status.getContentType());
        }
        return new Dsn(mime, parts, new DeliveryStatus(status.getInputStream()));
    }
}
