package dev.posthorn.smtp.testing;

import dev.posthorn.smtp.io.LineReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A one-connection raw-socket server that plays a script, so the runner can be tested against exact bytes (including
 * wrong ones) without a real SMTP server. It records every byte the client sent.
 */
final class ScriptedServer implements AutoCloseable {

    /** What the server does with its one connection. */
    @FunctionalInterface
    interface Script {
        void play(Connection connection) throws Exception;
    }

    private final ServerSocket listener;
    private final Thread thread;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile Throwable failure;

    ScriptedServer(Script script) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = Thread.ofVirtual().start(() -> {
            try (Socket socket = listener.accept()) {
                script.play(new Connection(socket));
            } catch (Exception | AssertionError e) {
                failure = e;
            }
        });
    }

    InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** Everything the client sent, once the script has finished. */
    byte[] received() throws InterruptedException {
        thread.join(Duration.ofSeconds(10));
        synchronized (received) {
            return received.toByteArray();
        }
    }

    /** What went wrong in the script, a failed assertion included (null when it ran to its end). */
    Throwable failure() throws InterruptedException {
        thread.join(Duration.ofSeconds(10));
        return failure;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server's side of the connection. */
    final class Connection {

        final Socket socket;
        final LineReader in;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new LineReader(new Recording(socket.getInputStream()));
            this.out = socket.getOutputStream();
        }

        /** The same recording over another socket, e.g. the TLS socket layered over this one. */
        Connection over(Socket layered) throws IOException {
            return new Connection(layered);
        }

        /** Writes {@code text} exactly (the script writes its own CRLFs). */
        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** One line from the client without its line end, or null at EOF. */
        String readLine() throws IOException {
            LineReader.Line line = in.readLine(4096);
            return line == null ? null : new String(line.content(), StandardCharsets.UTF_8);
        }

        byte[] readBytes(int count) throws IOException {
            return in.readNBytes(count);
        }

        /** Blocks until the client closes its side, keeping the connection open and silent meanwhile. */
        void awaitClientClose() throws IOException {
            while (in.read() >= 0) {
                // discard: only the recording matters
            }
        }
    }

    /** Copies what the client sends into {@link #received}. */
    private final class Recording extends InputStream {

        private final InputStream in;

        Recording(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                synchronized (received) {
                    received.write(b);
                }
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                synchronized (received) {
                    received.write(b, off, n);
                }
            }
            return n;
        }
    }
}
