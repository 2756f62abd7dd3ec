package dev.posthorn.mta.pop3;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The socket's streams with deadlines. A read waits at most until the deadline set before the command (the socket's
 * timeout is set to what is left before each read, so a client that trickles one octet a minute still meets it). A
 * socket write has no timeout of its own: the output records since when it is blocked, and the server's watch
 * closes a connection whose client takes nothing for the idle timeout.
 */
final class TimedStreams {

    private TimedStreams() {
    }

    /** The socket's input, each read bounded by the current deadline. */
    static final class Input extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private long deadline;

        Input(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        /** Reads from now on must end within {@code timeout}. */
        void deadline(Duration timeout) {
            deadline = System.nanoTime() + timeout.toNanos();
        }

        private void arm() throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout(Math.clamp(Duration.ofNanos(left).toMillis(), 1, Integer.MAX_VALUE));
        }

        @Override
        public int read() throws IOException {
            arm();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            return in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }
    }

    /** The socket's output, telling since when a write has been blocked. */
    static final class Output extends FilterOutputStream {
        private static final long IDLE = Long.MIN_VALUE;
        private volatile long since = IDLE;

        Output(Socket socket) throws IOException {
            super(socket.getOutputStream());
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            since = System.nanoTime();
            try {
                out.write(b, off, len);
            } finally {
                since = IDLE;
            }
        }

        /** Whether a write has been blocked for longer than {@code limit} at {@code now} ({@link System#nanoTime}). */
        boolean overdue(long now, Duration limit) {
            long started = since;
            return started != IDLE && now - started > limit.toNanos();
        }
    }
}
