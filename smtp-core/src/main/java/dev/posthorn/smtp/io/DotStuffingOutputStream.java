package dev.posthorn.smtp.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

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

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
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
