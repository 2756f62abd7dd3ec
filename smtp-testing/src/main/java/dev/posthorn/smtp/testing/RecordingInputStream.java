package dev.posthorn.smtp.testing;

import dev.posthorn.smtp.io.BulkFilterInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Keeps a copy of every byte read from the socket, so the transcript shows the server's replies byte for byte rather
 * than as the reply parser understood them. It sits below the {@link dev.posthorn.smtp.io.LineReader}, which reads
 * ahead; {@link #take(int)} therefore hands out only the bytes the reader has actually consumed.
 */
final class RecordingInputStream extends BulkFilterInputStream {

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    RecordingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            pending.write(b, off, n);
        }
        return n;
    }

    /** How many bytes were read and not yet taken. */
    int pending() {
        return pending.size();
    }

    /**
     * Removes and returns the recorded bytes except the last {@code unconsumed} ones (those still buffered by the
     * reader above, which belong to a later reply).
     */
    byte[] take(int unconsumed) {
        byte[] all = pending.toByteArray();
        int consumed = Math.max(0, all.length - unconsumed);
        pending.reset();
        pending.write(all, consumed, all.length - consumed);
        return Arrays.copyOf(all, consumed);
    }
}
