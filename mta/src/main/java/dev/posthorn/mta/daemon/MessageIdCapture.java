package dev.posthorn.mta.daemon;

import dev.posthorn.mta.delivery.HeaderLines;
import dev.posthorn.smtp.io.BulkFilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a message through and keeps the value of its first Message-ID field (RFC 5322 3.6.4) on the way, for the
 * mail log: the copy into the spool happens anyway, so no second read. Only the header section is looked at, folded
 * lines are unfolded, and at most {@value #MAX} octets are kept (a Message-ID is short; the rest is cut).
 */
final class MessageIdCapture extends BulkFilterInputStream {

    static final int MAX = 256;

    private final HeaderLines lines = new HeaderLines("Message-ID");
    private final StringBuilder value = new StringBuilder();
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
        for (int i = 0; i < n && lines.inHeader(); i++) {
            see(b[off + i]);
        }
        return n;
    }

    private void see(byte c) {
        switch (lines.see(c)) {
            case NAME -> capturing = !done;
            case FOLD -> {
                if (capturing) {
                    keep(' '); // a folded line goes on with the same field (RFC 5322 2.2.3)
                    keep(c);
                }
            }
            case LINE -> {
                if (capturing) {
                    capturing = false;
                    done = true;
                }
            }
            case OTHER -> {
                if (capturing && c != '\r') {
                    keep(c);
                }
            }
            case END_OF_LINE, BODY -> {
            }
        }
    }

    private void keep(int c) {
        if (value.length() < MAX) {
            value.append((char) (c & 0xff));
        }
    }
}
