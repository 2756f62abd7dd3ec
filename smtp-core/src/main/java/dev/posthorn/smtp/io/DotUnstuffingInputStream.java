package dev.posthorn.smtp.io;

import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;

/**
 * The message text of a DATA command (RFC 5321 4.1.1.4, 4.5.2): reads until {@code CRLF . CRLF}, removes the
 * leading dot of dot-stuffed lines, and returns end of stream exactly at the terminator, leaving the underlying
 * stream positioned after it.
 *
 * <p>Only CRLF starts a line. A bare LF or a bare CR is written out as CRLF, but the text after it does not count as
 * the start of a line: neither {@code LF . LF}, {@code CR . CR}, {@code LF . CRLF} nor {@code CRLF . LF} ends the
 * message, and no dot after them is removed. Receiver and any later SMTP hop therefore agree on where the message
 * ends (SMTP smuggling, CVE-2023-51764/51765/51766). {@link #bareLineEnds()} counts the repairs.
 *
 * <p>Lines of any length pass through without being buffered whole. If the peer closes the connection before the
 * terminator, reading throws {@link EOFException}.
 */
public final class DotUnstuffingInputStream extends BulkInputStream {

    private enum State { LINE_START, MIDDLE, CR, LINE_START_DOT, LINE_START_DOT_CR, DONE }

    private final LineReader in;
    private State state = State.LINE_START;
    private final byte[] pending = new byte[4];
    private int pendingStart;
    private int pendingEnd;
    private long bareLineEnds;

    /** @param in the stream positioned just after the {@code DATA} command line */
    public DotUnstuffingInputStream(LineReader in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    /** How many bare CR or bare LF were normalised to CRLF so far. */
    public long bareLineEnds() {
        return bareLineEnds;
    }

    /** Whether the terminating {@code CRLF . CRLF} has been read. */
    public boolean isComplete() {
        return state == State.DONE;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int n = 0;
        while (n < len) {
            if (pendingStart < pendingEnd) {
                b[off + n++] = pending[pendingStart++];
                continue;
            }
            if (state == State.DONE) {
                break;
            }
            if (state == State.MIDDLE) {
                int plain = in.readPlain(b, off + n, len - n); // the common case: a run of ordinary octets
                if (plain > 0) {
                    n += plain;
                    continue;
                }
            }
            if (n > 0 && in.buffered() == 0) {
                break; // return what we have rather than block for more
            }
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed before the end of DATA");
            }
            step(c);
        }
        return n == 0 && state == State.DONE ? -1 : n;
    }

    private void step(int c) {
        pendingStart = 0;
        pendingEnd = 0;
        switch (state) {
            case LINE_START -> {
                if (c == '.') {
                    state = State.LINE_START_DOT;
                } else {
                    middle(c);
                }
            }
            case LINE_START_DOT -> {
                if (c == '\r') {
                    state = State.LINE_START_DOT_CR;
                } else if (c == '\n') {
                    // "CRLF . LF": a line holding a lone dot, not the terminator.
                    emit('.');
                    middle(c);
                } else {
                    middle(c); // the stuffed dot is dropped (RFC 5321 4.5.2)
                }
            }
            case LINE_START_DOT_CR -> {
                if (c == '\n') {
                    state = State.DONE;
                } else {
                    // "CRLF . CR x": a lone dot followed by a bare CR.
                    emit('.');
                    bareLineEnd();
                    middle(c);
                }
            }
            case CR -> {
                if (c == '\n') {
                    emit('\r');
                    emit('\n');
                    state = State.LINE_START;
                } else {
                    bareLineEnd();
                    middle(c);
                }
            }
            case MIDDLE -> middle(c);
            case DONE -> throw new IllegalStateException("read after end of DATA");
        }
    }

    private void middle(int c) {
        if (c == '\r') {
            state = State.CR;
        } else if (c == '\n') {
            bareLineEnd();
        } else {
            emit(c);
            state = State.MIDDLE;
        }
    }

    private void bareLineEnd() {
        bareLineEnds++;
        emit('\r');
        emit('\n');
        state = State.MIDDLE;
    }

    private void emit(int c) {
        pending[pendingEnd++] = (byte) c;
    }
}
