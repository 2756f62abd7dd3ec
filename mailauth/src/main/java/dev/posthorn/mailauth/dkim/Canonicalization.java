package dev.posthorn.mailauth.dkim;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Optional;

/**
 * The two canonicalizations of RFC 6376 3.4, for header fields and for the body. {@code simple} tolerates almost no
 * change in transit; {@code relaxed} tolerates changes of white space, folding and the case of field names, which
 * mail systems commonly make. The body forms stream: they never hold more than a count of pending line breaks.
 */
public enum Canonicalization {
    SIMPLE, RELAXED;

    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Canonicalization> named(String name) {
        return switch (name) {
            case "simple" -> Optional.of(SIMPLE);
            case "relaxed" -> Optional.of(RELAXED);
            default -> Optional.empty();
        };
    }

    /** The field in canonical form, line break included (RFC 6376 3.4.1, 3.4.2). */
    public String header(HeaderField field) {
        return this == SIMPLE ? field.raw() : relaxed(field.name(), field.value()) + "\r\n";
    }

    /**
     * RFC 6376 3.4.2: the name in lower case, the value unfolded, each run of white space one space, no white space at
     * its ends or around the colon. Without the line break.
     */
    public static String relaxed(String name, String value) {
        StringBuilder out = new StringBuilder(name.length() + value.length() + 1);
        out.append(name.toLowerCase(Locale.ROOT)).append(':');
        boolean space = false;
        boolean started = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                continue; // unfolding
            }
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            if (space && started) {
                out.append(' ');
            }
            space = false;
            started = true;
            out.append(c);
        }
        return out.toString();
    }

    /** A stream that writes the body it is given in this canonical form to {@code sink}; close it at the end. */
    public OutputStream body(OutputStream sink) {
        return new BodyStream(sink, this == RELAXED);
    }

    /**
     * RFC 6376 3.4.3 and 3.4.4. Line breaks are CRLF; a CR or LF alone is an ordinary octet. Empty lines are held back
     * as a count until something follows them, so that those at the end disappear. In relaxed form, white space is
     * held back the same way: dropped at a line's end, else written as one space.
     */
    private static final class BodyStream extends OutputStream {
        private static final byte[] CRLF = {'\r', '\n'};

        private final OutputStream sink;
        private final boolean relaxed;
        private long pendingLines;
        private boolean cr;
        private boolean space;
        private boolean lineOpen;
        private boolean anything;

        BodyStream(OutputStream sink, boolean relaxed) {
            this.sink = sink;
            this.relaxed = relaxed;
        }

        @Override
        public void write(int b) throws IOException {
            if (cr) {
                cr = false;
                if (b == '\n') {
                    space = false; // relaxed: white space at the end of a line goes
                    pendingLines++;
                    lineOpen = false;
                    return;
                }
                content('\r');
            }
            if (b == '\r') {
                cr = true;
            } else if (relaxed && (b == ' ' || b == '\t')) {
                space = true;
            } else {
                content(b);
            }
        }

        private void content(int b) throws IOException {
            for (; pendingLines > 0; pendingLines--) {
                sink.write(CRLF);
            }
            if (space) {
                sink.write(' ');
                space = false;
            }
            sink.write(b);
            lineOpen = true;
            anything = true;
        }

        @Override
        public void close() throws IOException {
            if (cr) {
                cr = false;
                content('\r');
            }
            // The last line always ends in one CRLF; an empty body is one CRLF in simple form and nothing in relaxed.
            if (lineOpen || pendingLines > 0 && anything || !relaxed) {
                sink.write(CRLF);
            }
            sink.close();
        }
    }
}
