package dev.posthorn.smtp.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes message text for DATA (RFC 5321 4.5.2): doubles a dot at the start of a line, turns bare CR and bare LF
 * into CRLF (so no smuggled line end leaves this MTA), and on {@link #finish()} ends the text with CRLF if needed
 * and writes the {@code . CRLF} terminator. {@link #close()} finishes but does not close the underlying stream.
 */
public final class DotStuffingOutputStream extends FilterOutputStream {

    private boolean lineStart = true;
    private boolean pendingCr;
    private boolean finished;

    public DotStuffingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (finished) {
            throw new IOException("message already finished");
        }
        b &= 0xff; // OutputStream.write(int): only the low eight bits are written, so only they may be looked at
        if (pendingCr) {
            pendingCr = false;
            lineEnd();
            if (b == '\n') {
                return;
            }
        }
        if (b == '\r') {
            pendingCr = true;
        } else if (b == '\n') {
            lineEnd();
        } else {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = false;
        }
    }

    /**
     * The same as {@link #write(int)} for each octet, but everything between stuffed dots and bare line ends goes on
     * in one call, CRLF included: a message of a gigabyte written an octet or a line at a time into a buffered socket
     * stream spends most of its time in that stream's lock (bench/big-message), and the relay of 100 KB messages
     * most of its CPU in this loop (bench/RESULTS.md, relay).
     */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (finished) {
            throw new IOException("message already finished");
        }
        int end = off + len;
        int run = off; // the first octet not yet written
        int i = off;
        while (i < end) {
            if (pendingCr) {
                pendingCr = false;
                lineEnd();
                if (b[i] == '\n') {
                    run = ++i;
                    continue;
                }
            }
            if (lineStart && b[i] == '.') {
                out.write(b, run, i - run);
                out.write('.');
                run = i; // the dot itself goes out with the rest of the line
            }
            int eol = i; // the next CR or LF: a tight scan, the whole cost of an ordinary line
            while (eol < end && b[eol] != '\r' && b[eol] != '\n') {
                eol++;
            }
            if (eol > i) {
                lineStart = false;
            }
            if (eol == end) {
                break;
            }
            if (b[eol] == '\r' && eol + 1 < end && b[eol + 1] == '\n') {
                lineStart = true; // CRLF as it should be: it stays in the run
                i = eol + 2;
                continue;
            }
            out.write(b, run, eol - run);
            run = eol + 1;
            if (b[eol] == '\r' && eol + 1 == end) {
                pendingCr = true; // the LF, if any, comes in the next write
            } else {
                lineEnd(); // a bare CR or LF becomes CRLF
            }
            i = eol + 1;
        }
        out.write(b, run, end - run);
    }

    private void lineEnd() throws IOException {
        out.write('\r');
        out.write('\n');
        lineStart = true;
    }

    /** Ends the message: a final CRLF when the text lacks one, then {@code . CRLF}. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        if (pendingCr) {
            pendingCr = false;
            lineEnd();
        }
        if (!lineStart) {
            lineEnd();
        }
        out.write(new byte[] {'.', '\r', '\n'});
        finished = true;
        out.flush();
    }

    @Override
    public void close() throws IOException {
        finish();
    }
}
