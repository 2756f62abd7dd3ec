package dev.posthorn.mta.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a stored message is safe to hand to Angus Mail, decided in one pass over the file with a small buffer.
 * Angus Mail keeps in memory every header section it parses (of the message and of each body part, RFC 2045 3), each
 * multipart preamble (RFC 2046 5.1.1) and one object per part; SMTP puts no limit on any of them, so a 60 MB header
 * block or 100,000 tiny parts would exhaust a small heap. A message over any limit here is no real message: it is
 * kept and served as raw octets, unparsed.
 *
 * <p>The pass does not parse: every line starting with {@code --} counts as a boundary and starts a header section,
 * and the body after a header section whose Content-Type names {@code multipart/} counts as a preamble until the next
 * such line.
 * That overcounts (a {@code -- } signature line is counted as a part), which only errs towards not parsing.
 */
final class MimeLimits {

    /**
     * The longest line. Angus Mail reads each line of a header or preamble whole, and a message has no line limit of
     * its own: RFC 5322 2.1.1 allows 998 octets, RFC 2045 6.8 lines of 76 for base64.
     */
    static final int MAX_LINE = 1 << 20;

    /** Octets of all header sections and preambles together; real messages use a few kilobytes. */
    static final int MAX_HEADER_BYTES = 2 << 20;

    /** Lines of all header sections and preambles together (each header field is an object in memory). */
    static final int MAX_HEADER_LINES = 20_000;

    /** Boundary-like lines: more parts than any real message carries. */
    static final int MAX_PARTS = 1_000;

    private static final byte[] CONTENT_TYPE = "content-type:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MULTIPART = "multipart/".getBytes(StandardCharsets.US_ASCII);

    private enum State { HEADER, BODY, PREAMBLE }

    private State state = State.HEADER;
    private boolean multipart;
    private boolean prefix;
    private boolean contentType;
    private int matched;
    private long line;
    private boolean dashes;
    private boolean onlyCr;
    private long headerBytes;
    private long headerLines;
    private long parts;

    private MimeLimits() {
    }

    /** Whether the message in {@code path} is within every limit of this class. */
    static boolean within(Path path) throws IOException {
        MimeLimits scan = new MimeLimits();
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (!scan.next(buffer[i])) {
                        return false;
                    }
                }
            }
        }
        return scan.line == 0 || scan.endOfLine();
    }

    private boolean next(byte b) {
        if (b == '\n') {
            return endOfLine();
        }
        line++;
        if (line > MAX_LINE) {
            return false;
        }
        dashes = line == 1 ? b == '-' : line == 2 ? dashes && b == '-' : dashes;
        onlyCr = line == 1 && b == '\r';
        if (state == State.HEADER) {
            header(b >= 'A' && b <= 'Z' ? b + 32 : b);
        }
        return true;
    }

    /** Looks for {@code multipart/} in a Content-Type field (RFC 2045 5.1), folded lines included. */
    private void header(int lower) {
        if (line == 1) {
            boolean continuation = lower == ' ' || lower == '\t';
            contentType &= continuation;
            prefix = !continuation;
        }
        if (prefix && line <= CONTENT_TYPE.length) {
            prefix = lower == CONTENT_TYPE[(int) line - 1];
            contentType = prefix && line == CONTENT_TYPE.length;
        } else if (contentType && !multipart) {
            matched = lower == MULTIPART[matched] ? matched + 1 : lower == MULTIPART[0] ? 1 : 0;
            multipart = matched == MULTIPART.length;
        }
    }

    private boolean endOfLine() {
        long length = line + 1;
        boolean blank = line == 0 || (line == 1 && onlyCr);
        boolean boundary = line >= 2 && dashes;
        line = 0;
        matched = 0;
        if (boundary) {
            parts++;
            state = State.HEADER;
            multipart = false;
            contentType = false;
            return parts <= MAX_PARTS;
        }
        if (state == State.BODY) {
            return true;
        }
        headerBytes += length;
        headerLines++;
        if (state == State.HEADER && blank) {
            state = multipart ? State.PREAMBLE : State.BODY;
        }
        return headerBytes <= MAX_HEADER_BYTES && headerLines <= MAX_HEADER_LINES;
    }
}
