package dev.posthorn.smtp.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The byte stream under a client: a TCP socket (read deadlines through the socket timeout) or a unix domain socket
 * (whose channel streams have no timeout, so a watchdog closes the channel when a deadline passes).
 */
abstract sealed class Wire implements AutoCloseable {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "smtp-client-watchdog");
        t.setDaemon(true);
        return t;
    });

    static Wire open(Endpoint endpoint, Duration connectTimeout) throws IOException {
        return switch (endpoint) {
            case Endpoint.Tcp tcp -> new Tcp(tcp, connectTimeout);
            case Endpoint.Unix unix -> new Unix(unix);
        };
    }

    abstract InputStream input() throws IOException;

    abstract OutputStream output() throws IOException;

    /** Sets the deadline for the reads that follow. */
    abstract void deadline(Duration timeout) throws IOException;

    @Override
    public abstract void close() throws IOException;

    static final class Tcp extends Wire {
        private final Socket socket;

        Tcp(Endpoint.Tcp endpoint, Duration connectTimeout) throws IOException {
            socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()),
                        (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
                socket.setTcpNoDelay(true);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        @Override
        InputStream input() throws IOException {
            return socket.getInputStream();
        }

        @Override
        OutputStream output() throws IOException {
            return socket.getOutputStream();
        }

        @Override
        void deadline(Duration timeout) throws IOException {
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static final class Unix extends Wire {
        private final SocketChannel channel;
        private volatile long timeoutMillis = 60_000;
        private volatile boolean expired;

        Unix(Endpoint.Unix endpoint) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(endpoint.socket()));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }

        @Override
        InputStream input() {
            InputStream raw = Channels.newInputStream(channel);
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    ScheduledFuture<?> watchdog = WATCHDOG.schedule(Unix.this::expire, timeoutMillis,
                            TimeUnit.MILLISECONDS);
                    try {
                        return raw.read(b, off, len);
                    } catch (IOException e) {
                        if (expired) {
                            throw new SocketTimeoutException("read deadline passed");
                        }
                        throw e;
                    } finally {
                        watchdog.cancel(false);
                    }
                }
            };
        }

        private void expire() {
            expired = true;
            try {
                channel.close();
            } catch (IOException e) {
                // closing is all we can do
            }
        }

        @Override
        OutputStream output() {
            return Channels.newOutputStream(channel);
        }

        @Override
        void deadline(Duration timeout) throws InterruptedIOException {
            timeoutMillis = Math.max(1, timeout.toMillis());
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
