package dev.posthorn.junit;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * One attachment of a {@link CapturedMail}: a part with {@code Content-Disposition: attachment} or a file name (RFC
 * 2183). Its content is decoded (base64, quoted-printable) from the message's file when asked for, not before.
 */
public final class Attachment {

    private final String name;
    private final String contentType;
    private final Part part;

    Attachment(String name, String contentType, Part part) {
        this.name = name;
        this.contentType = contentType;
        this.part = part;
    }

    /** The file name (RFC 2231 and RFC 2047 encodings decoded), or the empty string when the part names none. */
    public String name() {
        return name;
    }

    /** The media type without parameters, lower case, e.g. {@code application/pdf}. */
    public String contentType() {
        return contentType;
    }

    /** The decoded content, read now. */
    public byte[] bytes() {
        try (InputStream in = stream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The decoded content as a stream, for large attachments; the caller closes it. */
    public InputStream stream() {
        try {
            return part.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MessagingException e) {
            throw new IllegalStateException("attachment " + name + " cannot be read: " + e.getMessage(), e);
        }
    }

    static String baseType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String base = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return base.strip().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return name + " (" + contentType + ")";
    }
}
