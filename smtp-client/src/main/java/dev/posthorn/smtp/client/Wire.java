package dev.posthorn.smtp.client;

import dev.posthorn.smtp.io.BulkInputStream;
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
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.util.List;
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

    /** Starts TLS over this wire (RFC 3207) and returns the wire to use from now on. */
    abstract Wire startTls(SSLContext context, String peerName, boolean verifyPeerName, Duration timeout)
            throws IOException;

    /** The TLS session, or {@code null} on a plaintext wire. */
    SSLSession tlsSession() {
        return null;
    }

    static final class Tcp extends Wire {
        private final Socket socket;

        private Tcp(Socket socket) {
            this.socket = socket;
        }

        Tcp(Endpoint.Tcp endpoint, Duration connectTimeout) throws IOException {
            this(new Socket());
            try {
                if (endpoint.source().isPresent()) {
                    socket.bind(new InetSocketAddress(endpoint.source().get(), 0));
                }
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

        @Override
        Wire startTls(SSLContext context, String peerName, boolean verifyPeerName, Duration timeout)
                throws IOException {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, peerName, socket.getPort(),
                    true);
            tls.setUseClientMode(true);
            tls.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            SSLParameters parameters = tls.getSSLParameters();
            if (peerName.indexOf(':') < 0 && !peerName.matches("[0-9.]+")) {
                parameters.setServerNames(List.of(new SNIHostName(peerName)));
            }
            if (verifyPeerName) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // RFC 6125 name checks
            }
            tls.setSSLParameters(parameters);
            tls.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            tls.startHandshake();
            return new Tcp(tls);
        }

        @Override
        SSLSession tlsSession() {
            return socket instanceof SSLSocket tls ? tls.getSession() : null;
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
            return new BulkInputStream() {
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

        @Override
        Wire startTls(SSLContext context, String peerName, boolean verifyPeerName, Duration timeout)
                throws IOException {
            throw new IOException("STARTTLS over a unix domain socket is not supported");
        }
    }
}
