package dev.posthorn.mta.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
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

    /** Parses the message in {@code file}. */
    public static MessageView read(Path file) throws IOException {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** Writes the decoded content of attachment {@code index} of the message in {@code file} to {@code out}. */
    public static void writeAttachment(Path file, int index, OutputStream out) throws IOException {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }
}
