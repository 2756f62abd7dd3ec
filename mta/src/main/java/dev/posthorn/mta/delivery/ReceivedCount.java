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

    private ReceivedCount() {
    }

    public static int of(InputStream message) throws IOException {
        InputStream in = new BufferedInputStream(message, 16 * 1024);
        HeaderLines lines = new HeaderLines("Received");
        int count = 0;
        int read = 0;
        int c;
        while (lines.inHeader() && read++ < MAX_HEADER && (c = in.read()) >= 0) {
            if (lines.see((byte) c) == HeaderLines.Octet.NAME) {
                count++;
            }
        }
        return count;
    }

    /**
     * Passes a message through, counting its Received header fields on the way: the count comes free with a copy
     * that happens anyway (the spool write), instead of a second read at every delivery.
     */
    public static final class Counting extends BulkFilterInputStream {
        private final HeaderLines lines = new HeaderLines("Received");
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
            for (int i = 0; i < n && lines.inHeader(); i++) {
                if (lines.see(b[off + i]) == HeaderLines.Octet.NAME) {
                    count++;
                }
            }
            return n;
        }
    }

    static int of(String message) throws IOException {
        return of(new java.io.ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }
}
