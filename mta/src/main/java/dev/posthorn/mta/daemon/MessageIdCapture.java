package dev.posthorn.mta.daemon;

import dev.posthorn.smtp.io.BulkFilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes a message through and keeps the value of its first Message-ID field (RFC 5322 3.6.4) on the way, for the
 * mail log: the copy into the spool happens anyway, so no second read. Only the header section is looked at, folded
 * lines are unfolded, and at most {@value #MAX} octets are kept (a Message-ID is short; the rest is cut).
 */
final class MessageIdCapture extends BulkFilterInputStream {

    static final int MAX = 256;
    private static final byte[] NAME = "message-id:".getBytes(StandardCharsets.US_ASCII);

    private final StringBuilder value = new StringBuilder();
    private boolean inHeader = true;
    private boolean lineStart = true;
    private boolean emptyLineCr;
    private int matched;
    /** In the field's value (its first line, or a continuation line). */
    private boolean capturing;
    /** The field ended: only the first Message-ID is kept. */
    private boolean done;

    MessageIdCapture(InputStream in) {
        super(in);
    }

    /** The Message-ID as written (angle brackets included, white space around it removed), or null if none. */
    String messageId() {
        String id = value.toString().strip();
        return id.isEmpty() ? null : id;
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
        if (c == '\n') {
            if (lineStart || emptyLineCr) {
                inHeader = false; // the empty line ends the header section
            }
            lineStart = true;
            emptyLineCr = false;
            matched = 0;
            return;
        }
        if (lineStart) {
            if (capturing && (c == ' ' || c == '\t')) {
                value.append(' '); // a folded line goes on with the same field (RFC 5322 2.2.3)
            } else if (capturing) {
                capturing = false;
                done = true;
            }
            if (c == '\r') {
                emptyLineCr = true;
                lineStart = false;
                return;
            }
        }
        emptyLineCr = false;
        if (capturing) {
            if (c != '\r' && value.length() < MAX) {
                value.append((char) (c & 0xff));
            }
        } else if (!done && (lineStart || matched > 0) && matched < NAME.length) {
            if (Character.toLowerCase(c) == NAME[matched]) {
                matched++;
                capturing = matched == NAME.length;
            } else {
                matched = NAME.length + 1; // not this field: stop matching until the next line
            }
        }
        lineStart = false;
    }
}
