package dev.posthorn.smtp.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a message through while counting it; reading past the limit throws {@link MessageTooLargeException}
 * instead of returning the octets, so a consumer can never mistake a cut message for a whole one.
 */
public final class SizeLimitedInputStream extends FilterInputStream {

    private final long limit;
    private long count;

    public SizeLimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    /** Thrown when the message grows past the limit. */
    public static final class MessageTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        public MessageTooLargeException(long limit) {
            super("message larger than " + limit + " octets");
        }
    }

    public long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            add(1);
        }
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
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

    @Override
    public boolean markSupported() {
        return false;
    }

    private void add(int n) throws MessageTooLargeException {
        count += n;
        if (count > limit) {
            throw new MessageTooLargeException(limit);
        }
    }
}
