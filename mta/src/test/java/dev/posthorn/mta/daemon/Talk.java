package dev.posthorn.mta.daemon;

import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReplyParser;
import dev.posthorn.smtp.io.LineReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw SMTP conversation on one socket: a line out (in UTF-8), a whole reply (all its lines) back, within 10 s. */
final class Talk implements AutoCloseable {

    private final Socket socket;
    private final LineReader in;
    private final OutputStream out;

    Talk(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        in = new LineReader(socket.getInputStream());
        out = socket.getOutputStream();
    }

    Reply read() throws IOException {
        return ReplyParser.read(in);
    }

    Reply command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8)); // UTF-8: SMTPUTF8 sessions (RFC 6531)
        out.flush();
        return read();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
