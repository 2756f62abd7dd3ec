package dev.posthorn.smtp.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream whose whole behaviour lives in {@link #read(byte[], int, int)}: the single-octet {@link #read()} and
 * {@link #skip(long)} are written here, once, in terms of it. A stream that counts, limits or filters what passes
 * through it then has one method to get right, and no caller can get around it by reading one octet at a time or by
 * skipping (the versions {@link java.io.FilterInputStream} has go straight to the stream it wraps). Marks are not
 * supported, as {@link InputStream} has it.
 */
public abstract class BulkInputStream extends InputStream {

    private static final int SKIP_BUFFER = 8192;

    protected BulkInputStream() {
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /** Skips by reading, so skipped octets pass through this stream's logic like any others. */
    @Override
    public final long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        byte[] scratch = new byte[(int) Math.min(n, SKIP_BUFFER)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }
}
