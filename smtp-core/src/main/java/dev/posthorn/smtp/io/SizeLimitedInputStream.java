package dev.posthorn.smtp.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a message through while counting it; reading past the limit throws {@link MessageTooLargeException}
 * instead of returning the octets, so a consumer can never mistake a cut message for a whole one.
 */
public final class SizeLimitedInputStream extends BulkFilterInputStream {

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
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    private void add(int n) throws MessageTooLargeException {
        count += n;
        if (count > limit) {
            throw new MessageTooLargeException(limit);
        }
    }
}
