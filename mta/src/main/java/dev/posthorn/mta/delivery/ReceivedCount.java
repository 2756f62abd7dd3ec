package dev.posthorn.mta.delivery;

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

    static int of(String message) throws IOException {
        return of(new java.io.ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }
}
