package dev.posthorn.mta.cli;

import java.io.IOException;
import java.io.InputStream;

/**
 * A message as stored on disk read back as it was on the wire. DKIM signs the CRLF form (RFC 6376 3.4 canonicalizes
 * lines ending in CRLF, as RFC 5322 2.1 writes them), but a Maildir holds LF line ends (Posthorn's own delivery turns
 * each CRLF into LF, as Maildir readers expect): every LF then becomes CRLF again, the exact inverse. Which form a
 * file is in is told by its first line end, so standard input can be read once, as it comes: a file whose first LF
 * follows a CR is passed on unchanged.
 */
final class StoredLineEnds extends InputStream {

    private final InputStream in;
    private boolean decided;
    private boolean addCr;
    private int previous = -1;
    private boolean lfPending;

    StoredLineEnds(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        if (lfPending) {
            lfPending = false;
            return '\n';
        }
        int b = in.read();
        if (b == '\n') {
            if (!decided) {
                decided = true;
                addCr = previous != '\r';
            }
            if (addCr) {
                lfPending = true;
                b = '\r';
            }
        }
        previous = b;
        return b;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
