package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReplyParser;
import dev.posthorn.smtp.io.LineReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A raw SMTP client for tests: sends exact bytes and reads whole replies. */
final class TestClient implements AutoCloseable {

    private Socket socket;
    private LineReader in;
    private OutputStream out;

    TestClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(5000);
        streams();
    }

    /** A client on a socket already connected (e.g. from a chosen source address). */
    TestClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(Math.max(socket.getSoTimeout(), 5000));
        streams();
    }

    static TestClient connect(SmtpServer server) throws IOException {
        return new TestClient(server.address());
    }

    private void streams() throws IOException {
        in = new LineReader(socket.getInputStream());
        out = socket.getOutputStream();
    }

    Socket socket() {
        return socket;
    }

    Reply read() throws IOException {
        return ReplyParser.read(in);
    }

    TestClient send(String line) throws IOException {
        return raw(line + "\r\n");
    }

    TestClient raw(String text) throws IOException {
        return raw(text.getBytes(StandardCharsets.UTF_8));
    }

    TestClient raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    Reply command(String line) throws IOException {
        send(line);
        return read();
    }

    /** Reads the greeting and says EHLO. */
    TestClient hello() throws IOException {
        expect(read(), 220);
        expect(command("EHLO client.test"), 250);
        return this;
    }

    /** STARTTLS and a handshake that trusts anything, then EHLO again. */
    TestClient startTls() throws IOException {
        expect(command("STARTTLS"), 220);
        SSLSocket tls = (SSLSocket) trustAll().getSocketFactory()
                .createSocket(socket, "localhost", socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        socket = tls;
        streams();
        expect(command("EHLO client.test"), 250);
        return this;
    }

    /** Whether the server closed the connection (EOF) within the read timeout. */
    boolean closedByServer() {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (IOException e) {
            return !(e instanceof java.net.SocketTimeoutException);
        }
    }

    /** Everything the server sends until it closes the connection (the read timeout still applies). */
    byte[] readToEnd() throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            all.write(b);
        }
        return all.toByteArray();
    }

    static Reply expect(Reply reply, int code) {
        if (reply.code() != code) {
            throw new AssertionError("expected " + code + " but got " + reply);
        }
        return reply;
    }

    /** Asserts a reply's code and enhanced status. */
    static void assertReply(Reply reply, int code, String status) {
        if (reply.code() != code || !String.valueOf(reply.status()).equals(status)) {
            throw new AssertionError("expected " + code + " " + status + " but got " + reply);
        }
    }

    static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
