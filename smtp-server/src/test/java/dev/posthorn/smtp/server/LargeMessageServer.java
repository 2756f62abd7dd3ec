package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A server process for {@link LargeMessageIT}: its sink digests each message after the Received header and answers
 * with the octet count and SHA-256, so the test can check a message far larger than the heap passed through whole.
 */
public final class LargeMessageServer {

    private LargeMessageServer() {
    }

    public static void main(String[] args) throws Exception {
        SmtpServer server = SmtpServer.builder()
                .maxMessageSize(Long.parseLong(args[1]))
                .sink(LargeMessageServer::digest)
                .build()
                .start();
        Path portFile = Path.of(args[0]);
        Files.writeString(portFile.resolveSibling(portFile.getFileName() + ".tmp"), String.valueOf(server.port()));
        Files.move(portFile.resolveSibling(portFile.getFileName() + ".tmp"), portFile);
        Thread.sleep(Long.MAX_VALUE);
    }

    private static Reply digest(Envelope envelope, InputStream message) throws IOException {
        PushbackInputStream in = new PushbackInputStream(message, 1);
        skipReceivedHeader(in);
        try {
            DigestInputStream digest = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"));
            long count = digest.transferTo(OutputStreamSink.INSTANCE);
            Runtime runtime = Runtime.getRuntime();
            long heap = runtime.totalMemory() - runtime.freeMemory();
            return Reply.of(250, "2.0.0", count + " " + HexFormat.of().formatHex(digest.getMessageDigest().digest())
                    + " heap=" + heap + " max=" + runtime.maxMemory());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void skipReceivedHeader(PushbackInputStream in) throws IOException {
        int previous = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            if (previous == '\r' && c == '\n') {
                int next = in.read();
                if (next != '\t') {
                    if (next >= 0) {
                        in.unread(next);
                    }
                    return;
                }
            }
            previous = c;
        }
    }

    /** Discards bytes. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
