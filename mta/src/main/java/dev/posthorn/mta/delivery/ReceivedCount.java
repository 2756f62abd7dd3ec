package dev.posthorn.mta.delivery;

import dev.posthorn.smtp.io.BulkFilterInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Counts the Received header fields of a message, for loop detection (RFC 5321 6.3: a message with too many of them
 * is looping between MTAs and must be stopped). Reads only the header section, at most 1 MiB of it.
 */
public final class ReceivedCount {

    private static final int MAX_HEADER = 1 << 20;

    /** The envelope parameter where the receiver records the count, so delivery need not read the message. */
    public static final String PARAMETER = "received";

    private ReceivedCount() {
    }

    public static int of(InputStream message) throws IOException {
        InputStream in = new BufferedInputStream(message, 16 * 1024);
        StringBuilder line = new StringBuilder();
        int count = 0;
        int read = 0;
        int c;
        while ((c = in.read()) >= 0 && read++ < MAX_HEADER) {
            if (c == '\n') {
                String text = line.toString();
                if (text.isEmpty() || text.equals("\r")) {
                    break; // end of the header section
                }
                if (text.regionMatches(true, 0, "Received:", 0, 9)) {
                    count++;
                }
                line.setLength(0);
            } else if (line.length() < 16) {
                line.append((char) c);
            }
        }
        return count;
    }

    /**
     * Passes a message through, counting its Received header fields on the way: the count comes free with a copy
     * that happens anyway (the spool write), instead of a second read at every delivery.
     */
    public static final class Counting extends BulkFilterInputStream {
        private static final byte[] NAME = "received:".getBytes(StandardCharsets.US_ASCII);
        private int matched;
        private boolean lineStart = true;
        private boolean inHeader = true;
        private boolean emptyLineCr;
        private int count;

        public Counting(InputStream in) {
            super(in);
        }

        /** Received fields seen so far (all of them, once the stream is read past the header section). */
        public int count() {
            return count;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            for (int i = 0; i < n && inHeader; i++) {
                see(b[off + i]);
            }
            return n;
        }

        private void see(byte c) {
            if (!inHeader) {
                return;
            }
            if (c == '\n') {
                if (lineStart || emptyLineCr) {
                    inHeader = false; // the empty line ends the header section
                }
                lineStart = true;
                emptyLineCr = false;
                matched = 0;
                return;
            }
            if (lineStart && c == '\r') {
                emptyLineCr = true;
                lineStart = false;
                return;
            }
            emptyLineCr = false;
            if ((lineStart || matched > 0) && matched < NAME.length) {
                if (Character.toLowerCase(c) == NAME[matched]) {
                    matched++;
                    if (matched == NAME.length) {
                        count++;
                    }
                } else {
                    matched = NAME.length + 1; // not a Received line: stop matching until the next line
                }
            }
            lineStart = false;
        }
    }

    static int of(String message) throws IOException {
        return of(new java.io.ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }
}
