package dev.posthorn.mta.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * What a large message read back over a wire amounted to, counted while it streamed past (the test JVM never holds
 * it either): its size, its first octets, the SHA-256 of all of it and of what follows its first {@code skip} octets
 * (the part after the Received field the server put in front of what was sent).
 *
 * @param size    octets read
 * @param head    the first octets, up to {@link #HEAD}, as ISO-8859-1 text
 * @param sha     SHA-256 of all octets, in hex
 * @param tailSha SHA-256 of the octets after the first {@code skip}, in hex
 */
record ReadBack(long size, String head, String sha, String tailSha) {

    static final int HEAD = 200;
    private static final int MAX_LINE = 512;

    /** Reads {@code in} to its end. */
    static ReadBack of(InputStream in, long skip) throws IOException {
        Tally tally = new Tally(skip);
        byte[] buffer = new byte[64 * 1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            tally.update(buffer, 0, n);
        }
        return tally.done();
    }

    /**
     * RETR of message 1 from the maildrop {@code user} (any password: {@code posthorn dev} without {@code --auth}),
     * over a raw socket: the multi-line answer un-dot-stuffed as it streams (RFC 1939 3: a line that starts with
     * "." has one more in front; "." CRLF alone ends the answer), so what is counted is the message itself.
     */
    static ReadBack pop3(int port, String user, long skip, Duration deadline) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) deadline.toMillis());
            Wire wire = new Wire(socket.getInputStream(), socket.getOutputStream());
            wire.expectOk(null);
            wire.expectOk("USER " + user);
            wire.expectOk("PASS anything");
            wire.expectOk("RETR 1");
            ReadBack read = wire.unstuff(new Tally(skip));
            wire.expectOk("QUIT");
            return read;
        }
    }

    /** Counts octets into the two digests. */
    private static final class Tally {
        private final MessageDigest all = sha256();
        private final MessageDigest tail = sha256();
        private final StringBuilder head = new StringBuilder();
        private final long skip;
        private long size;

        Tally(long skip) {
            this.skip = skip;
        }

        void update(byte[] octets, int offset, int length) {
            all.update(octets, offset, length);
            for (int i = offset; i < offset + length && head.length() < HEAD; i++) {
                head.append((char) (octets[i] & 0xff));
            }
            int skipped = (int) Math.max(0, Math.min(length, skip - size));
            tail.update(octets, offset + skipped, length - skipped);
            size += length;
        }

        ReadBack done() {
            return new ReadBack(size, head.toString(), HexFormat.of().formatHex(all.digest()),
                    HexFormat.of().formatHex(tail.digest()));
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A POP3 client's side of the connection, buffered by hand so the answer can be scanned in runs. */
    private static final class Wire {
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[64 * 1024];
        private int position;
        private int limit;

        Wire(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        /** Sends {@code command} (none for the greeting) and requires a "+OK" status line (RFC 1939 3). */
        void expectOk(String command) throws IOException {
            if (command != null) {
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            StringBuilder line = new StringBuilder();
            while (!(line.length() >= 2 && line.charAt(line.length() - 2) == '\r'
                    && line.charAt(line.length() - 1) == '\n')) {
                if (line.length() > MAX_LINE || (position == limit && !fill())) {
                    throw new IOException("no status line for " + command + ": " + line);
                }
                line.append((char) (buffer[position++] & 0xff));
            }
            if (!line.toString().startsWith("+OK")) {
                throw new IOException(command + " answered " + line.toString().strip());
            }
        }

        /** The multi-line answer up to its ". CRLF", without the stuffed dots, counted by {@code tally}. */
        ReadBack unstuff(Tally tally) throws IOException {
            boolean lineStart = true;
            int dot = 0; // 1: a dot began the line; 2: then a CR (the end, if an LF follows)
            while (position < limit || fill()) {
                int run = position;
                for (; position < limit; position++) {
                    byte b = buffer[position];
                    if (dot == 0 && !(lineStart && b == '.')) {
                        lineStart = b == '\n';
                        continue;
                    }
                    tally.update(buffer, run, position - run);
                    run = position + 1;
                    if (dot == 0) {
                        dot = 1; // held back: stuffing, or the start of the end line
                        lineStart = false;
                    } else if (dot == 1 && b == '\r') {
                        dot = 2;
                    } else if (dot == 2) {
                        if (b != '\n') {
                            throw new IOException("a line of a dot and a bare CR in the RETR answer");
                        }
                        position++;
                        return tally.done();
                    } else {
                        dot = 0; // the dot was stuffing; this octet is the line's first
                        lineStart = b == '\n';
                        run = position;
                    }
                }
                tally.update(buffer, run, position - run);
            }
            throw new EOFException("the RETR answer ended without its \". CRLF\" line");
        }

        private boolean fill() throws IOException {
            int n = in.read(buffer);
            position = 0;
            limit = Math.max(n, 0);
            return n > 0;
        }
    }
}
