package dev.posthorn.mta.daemon;

import dev.posthorn.mta.delivery.HeaderLines;
import dev.posthorn.smtp.io.BulkFilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a message through and keeps the value of the first header field of one name on the way (the Message-ID
 * for the mail log, the TLS-Required field of RFC 8689 3): the copy into the spool happens anyway, so no second
 * read. Only the header section is looked at, folded lines are unfolded, and at most {@code max} octets are kept
 * (the rest is cut): the peer's bytes never grow memory.
 */
class FieldCapture extends BulkFilterInputStream {

    /** Enough for a short value such as TLS-Required's "No". */
    static final int SHORT = 64;

    private final HeaderLines lines;
    private final int max;
    private final StringBuilder value = new StringBuilder();
    /** In the field's value (its first line, or a continuation line). */
    private boolean capturing;
    /** The field ended: only the first one is kept. */
    private boolean done;

    FieldCapture(InputStream in, String name, int max) {
        super(in);
        this.lines = new HeaderLines(name);
        this.max = max;
    }

    /** The field's value, white space around it removed, or null when the message has no such field. */
    String value() {
        String text = value.toString().strip();
        return text.isEmpty() ? null : text;
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
        if (value.length() < max) {
            value.append((char) (c & 0xff));
        }
    }
}
