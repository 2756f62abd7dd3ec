package dev.posthorn.smtp.server;

import dev.posthorn.smtp.LogText;
import dev.posthorn.smtp.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's replies on their way out, shared by its own thread and the server's graceful shutdown. Replies are
 * buffered and flushed when no further pipelined command is waiting (RFC 2920 3.2), so a pipelined group gets its
 * replies in one write. Whether the session waits for a command and whether the server is shutting down are kept
 * under the same lock as every write: the shutdown's {@code 421} goes to an idle session at once, to a busy one when
 * it next waits, and never lands inside another reply.
 */
final class ReplyOutput {

    private static final Logger log = LoggerFactory.getLogger(ReplyOutput.class);

    private final String id;
    private final ReentrantLock lock = new ReentrantLock();
    private OutputStream out;
    private boolean idle;
    private boolean shuttingDown;
    /** {@link #writingSince()} when no write is under way. */
    static final long NOT_WRITING = Long.MIN_VALUE;

    /** When the write under way began ({@link System#nanoTime()}): read by the server's deadline watch. */
    private volatile long writingSince = NOT_WRITING;

    /** @param id the connection's id, for the log */
    ReplyOutput(String id) {
        this.id = id;
    }

    /** Writes to {@code stream} from now on: a fresh stream after a TLS upgrade, so nothing buffered survives it. */
    void use(OutputStream stream) {
        lock.lock();
        try {
            out = stream;
        } finally {
            lock.unlock();
        }
    }

    /** Buffers a reply (written out when the buffer is full). */
    void write(Reply reply) throws IOException {
        lock.lock();
        try {
            send(reply.toWire(), false);
        } finally {
            lock.unlock();
        }
    }

    void flush() throws IOException {
        lock.lock();
        try {
            send(null, true);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes (when {@code bytes} is not null) and flushes (when asked), marked as under way: a client that does not
     * read its replies blocks the write, and the deadline watch ends it ({@link #writingSince()}).
     */
    private void send(byte[] bytes, boolean flush) throws IOException {
        writingSince = System.nanoTime();
        try {
            if (bytes != null) {
                out.write(bytes);
            }
            if (flush) {
                out.flush();
            }
        } finally {
            writingSince = NOT_WRITING;
        }
    }

    /** When the write under way began ({@link System#nanoTime()}), or {@link #NOT_WRITING}. */
    long writingSince() {
        return writingSince;
    }

    /**
     * Before the session waits for its next command: false when the server is shutting down (the caller then says
     * so with {@link #writeNow}); else the replies of a finished pipelined group go out when {@code moreBuffered} is
     * false, and the session counts as idle until {@link #commandRead}.
     */
    boolean awaitCommand(boolean moreBuffered) throws IOException {
        lock.lock();
        try {
            if (shuttingDown) {
                return false;
            }
            if (!moreBuffered) {
                send(null, true); // end of a pipelined group: send its replies before waiting (RFC 2920 3.2)
            }
            idle = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A command line arrived: the session is busy until it waits again. */
    void commandRead() {
        lock.lock();
        try {
            idle = false;
        } finally {
            lock.unlock();
        }
    }

    /** Sends {@code reply} now while {@code socket} is open; a failure is only logged (the connection is ending). */
    void tryClose(Reply reply, Socket socket) {
        lock.lock();
        try {
            if (out != null && !socket.isClosed()) {
                writeNow(reply);
            }
        } catch (IOException e) {
            log.trace("{}: could not send {}", id, LogText.escape(reply), e);
        } finally {
            lock.unlock();
        }
    }

    /** Marks the shutdown; {@code whenIdle} runs at once, under the lock, when the session waits for a command. */
    void shutdown(Runnable whenIdle) {
        lock.lock();
        try {
            shuttingDown = true;
            if (idle) {
                whenIdle.run();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends a reply and everything buffered before it now. */
    void writeNow(Reply reply) throws IOException {
        lock.lock();
        try {
            send(reply.toWire(), true);
        } finally {
            lock.unlock();
        }
    }
}
