package dev.posthorn.smtp.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Exactly {@code size} octets of a BDAT chunk (RFC 3030 2): binary, no dot handling, no line ends interpreted.
 * End of stream after the last octet; {@link EOFException} if the peer closes before.
 */
public final class ChunkInputStream extends InputStream {

    private final InputStream in;
    private long remaining;

    public ChunkInputStream(InputStream in, long size) {
        this.in = Objects.requireNonNull(in, "in");
        if (size < 0) {
            throw new IllegalArgumentException("negative chunk size");
        }
        this.remaining = size;
    }

    public long remaining() {
        return remaining;
    }

    @Override
    public int read() throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int c = in.read();
        if (c < 0) {
            throw new EOFException("connection closed inside a BDAT chunk");
        }
        remaining--;
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (remaining == 0) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("connection closed inside a BDAT chunk");
        }
        remaining -= n;
        return n;
    }

    /** Reads and drops whatever is left of the chunk, keeping the session in step with the client. */
    public void skipRest() throws IOException {
        byte[] scratch = new byte[8192];
        while (read(scratch, 0, scratch.length) >= 0) {
            // discard
        }
    }
}
