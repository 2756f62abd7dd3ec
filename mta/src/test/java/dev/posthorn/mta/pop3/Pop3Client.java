package dev.posthorn.mta.pop3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A raw POP3 dialogue over a socket: exact lines out, exact lines in (CRLF checked), for the dialogue tests. */
final class Pop3Client implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    Pop3Client(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connects with TLS from the first octet, trusting any certificate. */
    static Pop3Client implicitTls(InetSocketAddress address) throws IOException {
        Pop3Client client = new Pop3Client(address);
        client.startTls();
        return client;
    }

    /** Sends {@code text} as it is (several commands at once when it holds several lines). */
    void sendRaw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void send(String line) throws IOException {
        sendRaw(line + "\r\n");
    }

    /** Sends a command and returns the first line of the answer. */
    String command(String line) throws IOException {
        send(line);
        return line();
    }

    /** One line, without its CRLF; fails when the line does not end with CRLF. Null at end of stream. */
    String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                if (bytes.length < 2 || bytes[bytes.length - 2] != '\r') {
                    throw new IOException("line without CRLF: " + line);
                }
                return new String(bytes, 0, bytes.length - 2, StandardCharsets.UTF_8);
            }
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /** The lines of a multi-line answer up to, not including, the lone dot; still byte-stuffed. */
    List<String> lines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = line(); !".".equals(line); line = line()) {
            if (line == null) {
                throw new IOException("end of stream in a multi-line response");
            }
            lines.add(line);
        }
        return lines;
    }

    /** Negotiates TLS on the connection, trusting any certificate (the server's is self-signed). */
    void startTls() throws IOException {
        SSLSocket tls = (SSLSocket) trustAll().getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
    }

    /** Whether the server closed the connection: the next read sees the end of the stream. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true; // reset: closed too
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
