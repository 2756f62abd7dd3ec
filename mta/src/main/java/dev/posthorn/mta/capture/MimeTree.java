package dev.posthorn.mta.capture;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.SharedFileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The parts of one stored message, found by walking its MIME tree (RFC 2045, 2046) as Angus Mail parses it from the
 * file: {@link SharedFileInputStream} lets every part be a window onto the file, so no body is copied into memory.
 * The text and HTML bodies are the first {@code text/plain} and {@code text/html} parts that are not attachments;
 * every other leaf is an attachment. A part whose structure cannot be parsed becomes an attachment itself: a
 * malformed message is still shown, never refused.
 */
final class MimeTree implements AutoCloseable {

    /** RFC 6532 header fields in UTF-8 are read as UTF-8; addresses are parsed leniently (what was sent is shown). */
    private static final Session SESSION = session();

    /** Nesting beyond this is a hostile message, not a real one: deeper parts are shown as attachments. */
    private static final int MAX_DEPTH = 20;

    /** The longest line parsed: see {@link MimeLimits#MAX_LINE}. */
    static final int MAX_LINE = MimeLimits.MAX_LINE;

    private final SharedFileInputStream file;
    private final MimeMessage message;
    private Part text;
    private Part html;
    private final List<Part> attachments = new ArrayList<>();

    private MimeTree(Path path) throws IOException {
        this.file = new SharedFileInputStream(path.toFile());
        try {
            this.message = new MimeMessage(SESSION, file);
        } catch (MessagingException e) {
            file.close();
            throw new IOException("unreadable message header: " + e.getMessage(), e);
        }
    }

    /**
     * Opens and walks the message in {@code path}; close it to release the file.
     *
     * @throws IOException if the file cannot be read, or is over a limit of {@link MimeLimits} (see there)
     */
    static MimeTree open(Path path) throws IOException {
        if (!parsable(path)) {
            throw new IOException("over the limits of a parsable message: not parsed");
        }
        return parse(path);
    }

    /** Opens and walks a message already found {@link #parsable}: the pass over the file is not made twice. */
    static MimeTree parse(Path path) throws IOException {
        MimeTree tree = new MimeTree(path);
        try {
            tree.walk(tree.message, 0);
        } catch (IOException | RuntimeException e) {
            tree.close();
            throw e;
        }
        return tree;
    }

    MimeMessage message() {
        return message;
    }

    /** The first text/plain body, or {@code null}. */
    Part text() {
        return text;
    }

    /** The first text/html body, or {@code null}. */
    Part html() {
        return html;
    }

    List<Part> attachments() {
        return attachments;
    }

    private void walk(Part part, int depth) throws IOException {
        String type = baseType(part);
        if (type.startsWith("multipart/") && depth < MAX_DEPTH) {
            Multipart multipart;
            try {
                multipart = (Multipart) part.getContent();
                int count = multipart.getCount();
                for (int i = 0; i < count; i++) {
                    walk(multipart.getBodyPart(i), depth + 1);
                }
                return;
            } catch (MessagingException | ClassCastException e) {
                attachments.add(part);
                return;
            }
        }
        boolean attachment = isAttachment(part);
        if (!attachment && type.equals("text/plain") && text == null) {
            text = part;
        } else if (!attachment && type.equals("text/html") && html == null) {
            html = part;
        } else {
            attachments.add(part);
        }
    }

    /** Whether the message is safe to parse in a small heap: {@link MimeLimits#within}. */
    static boolean parsable(Path path) throws IOException {
        return MimeLimits.within(path);
    }

    /** A part with {@code Content-Disposition: attachment} or a file name (RFC 2183). */
    static boolean isAttachment(Part part) {
        try {
            return Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null;
        } catch (MessagingException e) {
            return false;
        }
    }

    /** The lower-cased media type without parameters; {@code text/plain} when missing (RFC 2045 5.2). */
    static String baseType(Part part) {
        try {
            String header = part.getContentType();
            return header == null ? "text/plain" : new ContentType(header).getBaseType().toLowerCase(Locale.ROOT);
        } catch (MessagingException e) {
            return "application/octet-stream";
        }
    }

    /** The part's file name, RFC 2231 and (as many clients still send) RFC 2047 decoded, or {@code null}. */
    static String fileName(Part part) {
        try {
            String name = part.getFileName();
            return name != null && name.contains("=?") ? MimeUtility.decodeText(name) : name;
        } catch (MessagingException | IOException e) {
            return null;
        }
    }

    /**
     * At most {@code maxChars} characters of a text part, decoded (transfer encoding and charset); an unknown charset
     * reads as UTF-8 with replacement characters, so text is always shown.
     */
    static String readText(Part part, int maxChars) throws IOException {
        try (InputStream in = part.getInputStream();
             Reader reader = new InputStreamReader(in, charset(part))) {
            StringBuilder out = new StringBuilder();
            char[] buffer = new char[8192];
            int n;
            while (out.length() < maxChars && (n = reader.read(buffer, 0, Math.min(buffer.length,
                    maxChars - out.length()))) > 0) {
                out.append(buffer, 0, n);
            }
            return out.toString();
        } catch (MessagingException e) {
            return "";
        }
    }

    private static Charset charset(Part part) {
        try {
            String name = new ContentType(part.getContentType()).getParameter("charset");
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(MimeUtility.javaCharset(name.trim()));
        } catch (MessagingException | RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** Decodes RFC 2047 encoded words in an unfolded header value, leaving it as sent where that fails. */
    static String decodeHeader(String raw) {
        String unfolded = MimeUtility.unfold(raw).strip();
        try {
            return MimeUtility.decodeText(unfolded);
        } catch (IOException e) {
            return unfolded;
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    private static Session session() {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.allowutf8", "true");
        properties.setProperty("mail.mime.address.strict", "false");
        return Session.getInstance(properties);
    }
}
