package dev.posthorn.mta.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the daemon's admin listener that records the head of one HTTP request and answers {@code 200 {}}:
 * enough to see what the command line asked for, over a real socket.
 */
final class FakeAdmin implements AutoCloseable {

    private final ServerSocket socket;
    private final CompletableFuture<String> request = new CompletableFuture<>();

    private FakeAdmin(ServerSocket socket) {
        this.socket = socket;
    }

    static FakeAdmin start() throws IOException {
        FakeAdmin admin = new FakeAdmin(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        Thread.ofVirtual().start(admin::serve);
        return admin;
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The request line and header fields of the first request. */
    String request() throws Exception {
        return request.get(30, TimeUnit.SECONDS);
    }

    private void serve() {
        try (Socket client = socket.accept()) {
            client.setSoTimeout(10_000);
            InputStream in = client.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (head.size() < 16_384 && !head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                head.write(c);
            }
            OutputStream out = client.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            request.complete(head.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            request.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
