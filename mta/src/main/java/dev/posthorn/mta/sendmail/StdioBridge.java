package dev.posthorn.mta.sendmail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * sendmail {@code -bs}: an SMTP session on standard input and output, carried to an in-process server over a
 * loopback socket, so the session is the real engine's (every check, every reply) and not a second one. Ends when the
 * server closes the connection (after QUIT, or its own timeout); the end of standard input is passed on as the end
 * of the client's side.
 */
public final class StdioBridge {

    private StdioBridge() {
    }

    /** A socket bound to a free loopback port, not yet connected: the server is told its address first. */
    public static Socket bound() throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects {@code socket} (from {@link #bound()}) to {@code server} and carries the session until it ends. */
    public static void run(Socket bound, InetSocketAddress server, InputStream in, OutputStream out)
            throws IOException {
        try (Socket socket = bound) {
            socket.connect(server, 10_000);
            OutputStream toServer = socket.getOutputStream();
            // Standard input may block forever once the session is over: a daemon thread, not joined.
            Thread.ofPlatform().daemon().name("sendmail-stdin").start(() -> {
                try {
                    copy(in, toServer);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // the server closed first: the session is over either way
                }
            });
            copy(socket.getInputStream(), out);
        }
    }

    /** Copies until the end of {@code in}, flushing after every read: the other side waits for each reply. */
    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }
}
