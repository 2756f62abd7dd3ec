package dev.posthorn.smtp.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A {@link BulkInputStream} over another stream: reads pass through to it until a subclass says otherwise, and
 * {@link #available()} and {@link #close()} are the wrapped stream's. Use it where {@link java.io.FilterInputStream}
 * would be used, without having to override the single-octet read and skip so they do not bypass the subclass.
 */
public abstract class BulkFilterInputStream extends BulkInputStream {

    /** The wrapped stream. */
    protected final InputStream in;

    protected BulkFilterInputStream(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
