package dev.posthorn.mta.spool;

import dev.posthorn.smtp.io.BulkFilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The first {@code length} octets of a message file: its body, without the envelope and footer that follow it. */
final class BodyInput extends BulkFilterInputStream {

    private long remaining;

    BodyInput(InputStream in, long length) {
        super(in);
        this.remaining = length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, remaining));
        if (n > 0) {
            remaining -= n;
        }
        return n;
    }

    /** No more than is left of the body: the file goes on with the envelope. */
    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), remaining);
    }
}
