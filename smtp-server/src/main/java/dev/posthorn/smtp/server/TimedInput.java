package dev.posthorn.smtp.server;

import dev.posthorn.smtp.io.BulkFilterInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The socket's input with a time limit on every read: either a deadline for a whole unit (a command line must arrive
 * within the command timeout, however slowly its bytes trickle in) or an idle limit between reads (message data,
 * which may be large but must keep moving). RFC 5321 4.5.3.2 sets the minimums.
 */
final class TimedInput extends BulkFilterInputStream {

    private final Socket socket;
    private long deadlineNanos;
    private int idleMillis = 60_000;

    TimedInput(Socket socket) throws IOException {
        super(socket.getInputStream());
        this.socket = socket;
    }

    /** From now on, all reads together must finish within {@code limit}. */
    void deadline(Duration limit) {
        deadlineNanos = System.nanoTime() + limit.toNanos();
    }

    /** From now on, each read may wait up to {@code limit}. */
    void idle(Duration limit) {
        deadlineNanos = 0;
        idleMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit.toMillis()));
    }

    private void arm() throws IOException {
        int timeout = idleMillis;
        if (deadlineNanos != 0) {
            long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (remaining <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            timeout = (int) Math.min(Integer.MAX_VALUE, remaining);
        }
        socket.setSoTimeout(timeout);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        arm();
        return in.read(b, off, len);
    }
}
