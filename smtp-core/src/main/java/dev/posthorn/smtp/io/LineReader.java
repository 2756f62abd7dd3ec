package dev.posthorn.smtp.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A buffered input stream that also reads bounded lines. Commands, replies and the bytes of DATA and BDAT all come
 * through one instance, so no byte read ahead is ever lost between a command and the message that follows it.
 *
 * <p>A line ends at LF. The line's content excludes the LF and a CR just before it; {@link Line#bareLf()} tells
 * whether the CR was missing. A line longer than the limit is consumed up to its LF (never buffered) and reported as
 * {@link Line#tooLong()}; one longer than {@link #MAX_DISCARD} octets is not consumed further and is reported as a
 * {@link LineTooLongException}, since a peer streaming bytes with no line end is not speaking SMTP.
 */
public final class LineReader extends InputStream {

    /** How far an over-long line is skipped before the reader gives up on the peer. */
    public static final int MAX_DISCARD = 1 << 20;

    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;

    public LineReader(InputStream in) {
        this(in, 16 * 1024);
    }

    public LineReader(InputStream in, int bufferSize) {
        this.in = Objects.requireNonNull(in, "in");
        this.buffer = new byte[bufferSize];
    }

    /**
     * One line read from the stream.
     *
     * @param content the octets before the line end (empty when {@code tooLong})
     * @param bareLf  whether the line ended with LF alone
     * @param tooLong whether the line exceeded the limit and was skipped
     */
    public record Line(byte[] content, boolean bareLf, boolean tooLong) {
    }

    /** Thrown when a line runs past {@link #MAX_DISCARD} octets without an LF. */
    public static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        public LineTooLongException() {
            super("line longer than " + MAX_DISCARD + " octets");
        }
    }

    /**
     * Reads one line of at most {@code maxOctets} octets (excluding the line end).
     *
     * @return the line, or {@code null} at end of stream (a partial last line is dropped: the peer went away)
     */
    public Line readLine(int maxOctets) throws IOException {
        byte[] line = new byte[Math.min(maxOctets + 1, 256)];
        int length = 0;
        long seen = 0;
        while (true) {
            if (position == limit && !fill()) {
                return null;
            }
            int lf = indexOfLf();
            int end = lf < 0 ? limit : lf;
            int chunk = end - position;
            seen += chunk;
            if (seen <= maxOctets + 1) {
                if (length + chunk > line.length) {
                    line = Arrays.copyOf(line, Math.max(length + chunk, Math.min(line.length * 2, maxOctets + 1)));
                }
                System.arraycopy(buffer, position, line, length, chunk);
                length += chunk;
            } else if (seen > MAX_DISCARD) {
                position = end;
                throw new LineTooLongException();
            }
            position = end;
            if (lf >= 0) {
                position++;
                return finish(line, length, seen, maxOctets);
            }
        }
    }

    private static Line finish(byte[] line, int length, long seen, int maxOctets) {
        boolean cr = length > 0 && line[length - 1] == '\r' && seen <= maxOctets + 1;
        long content = cr ? seen - 1 : seen;
        if (content > maxOctets) {
            return new Line(new byte[0], false, true);
        }
        return new Line(Arrays.copyOf(line, cr ? length - 1 : length), !cr, false);
    }

    private int indexOfLf() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /** Whether a whole line (up to LF) is already buffered, so {@link #readLine} will not block. */
    public boolean hasLine() {
        return indexOfLf() >= 0;
    }

    /**
     * Copies already-buffered octets up to, not including, the next CR or LF: the bulk path for message text.
     * Never blocks; returns 0 when the next buffered octet is CR or LF, or nothing is buffered.
     */
    public int readPlain(byte[] b, int off, int len) {
        int end = Math.min(limit, position + len);
        int i = position;
        while (i < end && buffer[i] != '\r' && buffer[i] != '\n') {
            i++;
        }
        int n = i - position;
        System.arraycopy(buffer, position, b, off, n);
        position = i;
        return n;
    }

    /** How many octets are already read from the underlying stream but not yet consumed. */
    public int buffered() {
        return limit - position;
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (position == limit) {
            if (len >= buffer.length) {
                return in.read(b, off, len);
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(buffer, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return buffered() + in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
