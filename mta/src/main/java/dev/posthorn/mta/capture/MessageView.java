package dev.posthorn.mta.capture;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The structure of one stored message, parsed from its file on demand: the header fields (decoded), the text and
 * HTML bodies (each cut at {@link #MAX_BODY_CHARS}), and the attachments. Parts are read from the file, never the
 * whole message into memory.
 *
 * @param headers     every header field in order, values decoded (RFC 2047) and unfolded
 * @param text        the first text/plain body, or {@code null}
 * @param html        the first text/html body, or {@code null}
 * @param attachments every part that is not the text or HTML body shown: files, inline images, other types
 */
public record MessageView(List<Header> headers, String text, String html, List<Attachment> attachments) {

    public static final int MAX_BODY_CHARS = 1 << 20;

    /** One header field. */
    public record Header(String name, String value) {
    }

    /**
     * One attachment.
     *
     * @param index       its position in {@link #attachments} (how the API names it)
     * @param filename    the file name it came with, or {@code null}
     * @param contentType the media type, e.g. {@code image/png}
     * @param contentId   the Content-ID without angle brackets, or {@code null} (for {@code cid:} links in HTML)
     * @param size        decoded octets
     */
    public record Attachment(int index, String filename, String contentType, String contentId, long size) {
    }

    public MessageView {
        headers = List.copyOf(headers);
        attachments = List.copyOf(attachments);
    }

    /**
     * Parses the message in {@code file}. A malformed message still gives a view: what could be parsed, with any part
     * whose structure is broken listed as an attachment; one over a limit of safe parsing ({@link MimeLimits}: a line
     * over 1 MiB, header sections over 2 MiB in all, over 1,000 parts) is one {@code message/rfc822} attachment, its
     * raw octets.
     *
     * @throws IOException if the file cannot be read, or its header section cannot be parsed at all
     */
    public static MessageView read(Path file) throws IOException {
        if (!MimeTree.parsable(file)) {
            return new MessageView(List.of(), null, null,
                    List.of(new Attachment(0, null, "message/rfc822", null, Files.size(file))));
        }
        try (MimeTree tree = MimeTree.parse(file)) {
            List<Header> headers = new ArrayList<>();
            for (jakarta.mail.Header header : Collections.list(tree.message().getAllHeaders())) {
                headers.add(new Header(header.getName(), MimeTree.decodeHeader(header.getValue())));
            }
            String text = tree.text() == null ? null : MimeTree.readText(tree.text(), MAX_BODY_CHARS);
            String html = tree.html() == null ? null : MimeTree.readText(tree.html(), MAX_BODY_CHARS);
            List<Attachment> attachments = new ArrayList<>();
            for (Part part : tree.attachments()) {
                attachments.add(new Attachment(attachments.size(), MimeTree.fileName(part), MimeTree.baseType(part),
                        contentId(part), decodedSize(part)));
            }
            return new MessageView(headers, text, html, attachments);
        } catch (MessagingException e) {
            throw new IOException("unreadable message: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the decoded content of attachment {@code index} of the message in {@code file} to {@code out}, streamed
     * from the file.
     *
     * @throws IllegalArgumentException if the message has no attachment {@code index}
     */
    public static void writeAttachment(Path file, int index, OutputStream out) throws IOException {
        if (!MimeTree.parsable(file)) {
            if (index != 0) {
                throw new IllegalArgumentException("no attachment " + index);
            }
            Files.copy(file, out);
            return;
        }
        try (MimeTree tree = MimeTree.parse(file)) {
            if (index < 0 || index >= tree.attachments().size()) {
                throw new IllegalArgumentException("no attachment " + index);
            }
            try (InputStream in = decoded(tree.attachments().get(index))) {
                in.transferTo(out);
            }
        }
    }

    /** The Content-ID without its angle brackets (RFC 2392), or {@code null}. */
    private static String contentId(Part part) throws MessagingException {
        String[] values = part.getHeader("Content-ID");
        if (values == null || values.length == 0) {
            return null;
        }
        String id = values[0].strip();
        return id.startsWith("<") && id.endsWith(">") ? id.substring(1, id.length() - 1) : id;
    }

    /** Counts the decoded octets by reading them: the encoded size says little for base64 or quoted-printable. */
    private static long decodedSize(Part part) throws IOException {
        try (InputStream in = decoded(part)) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** The part's content with its transfer encoding undone, or as stored when the encoding is unknown. */
    private static InputStream decoded(Part part) throws IOException {
        try {
            return part.getInputStream();
        } catch (MessagingException e) {
            try {
                return switch (part) {
                    case MimeBodyPart body -> body.getRawInputStream();
                    case MimeMessage message -> message.getRawInputStream();
                    default -> InputStream.nullInputStream();
                };
            } catch (MessagingException raw) {
                return InputStream.nullInputStream();
            }
        }
    }
}
