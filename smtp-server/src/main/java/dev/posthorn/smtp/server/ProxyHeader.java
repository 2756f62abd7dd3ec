package dev.posthorn.smtp.server;

import dev.posthorn.smtp.AddressLiteral;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;

/**
 * The PROXY protocol header a proxy sends before anything else (HAProxy's {@code proxy-protocol.txt}, version 1 text
 * and version 2 binary), naming the client the proxy accepted. Read octet-exact: nothing after the header is consumed,
 * so what follows stays for the session. The header comes from a proxy the embedder trusts, but its octets are still
 * checked as untrusted input: any deviation is {@link MalformedException}, never another exception.
 *
 * @param source      the original client, or {@code null} when the header names none (v1 {@code UNKNOWN}, v2
 *                    {@code LOCAL}, an unspecified or UNIX family): the connection's own peer is then the client
 * @param destination the address the client connected to at the proxy, or {@code null} with {@code source}
 */
record ProxyHeader(InetSocketAddress source, InetSocketAddress destination) {

    /** A header that names no client (health checks, UNIX sockets): the proxy's own address stands for it. */
    static final ProxyHeader UNKNOWN = new ProxyHeader(null, null);

    /** proxy-protocol.txt 2.1: a v1 line is at most 107 octets with its CRLF. */
    static final int V1_MAX = 107;
    /**
     * The largest v2 address block taken (the 16-bit length after the fixed 16 octets): the IPv6 addresses need 36,
     * the UNIX ones 216; the rest is TLVs, which Posthorn skips. 1024 leaves room for haproxy's usual TLVs (ALPN,
     * authority, unique id, SSL) and bounds what a broken proxy can make us read.
     */
    static final int V2_MAX_BLOCK = 1024;

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
            0x0A};

    /** The octets received are no PROXY header (or one this reader refuses); the connection is to be closed. */
    static final class MalformedException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /**
     * Reads one header from {@code socket}: all of it must arrive within {@code limit} (each read waits at most what
     * is left), else {@link SocketTimeoutException}.
     */
    static ProxyHeader read(Socket socket, Duration limit) throws IOException {
        long end = System.nanoTime() + limit.toNanos();
        return read(new FilterInputStream(socket.getInputStream()) {
            @Override
            public int read() throws IOException {
                arm();
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                arm();
                return super.read(b, off, len);
            }

            private void arm() throws IOException {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException("no PROXY header in time");
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            }
        });
    }

    /** Reads one header from {@code in}, and not one octet more. */
    static ProxyHeader read(InputStream in) throws IOException {
        int first = next(in);
        if (first == 'P') {
            return readV1(in);
        }
        if (first == V2_SIGNATURE[0]) {
            return readV2(in);
        }
        throw new MalformedException("no PROXY header");
    }

    private static int next(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed in the PROXY header");
        }
        return b;
    }

    /** Version 1: {@code PROXY TCP4 192.0.2.1 198.51.100.1 56324 25\r\n}, octet by octet up to the CRLF. */
    private static ProxyHeader readV1(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder("P");
        while (true) {
            int b = next(in);
            if (b == '\r') {
                if (next(in) != '\n') {
                    throw new MalformedException("PROXY v1 line without CRLF");
                }
                break;
            }
            if (b < 0x20 || b > 0x7E || line.length() + 2 >= V1_MAX) {
                throw new MalformedException("PROXY v1 line too long or not printable");
            }
            line.append((char) b);
        }
        String[] parts = line.toString().split(" ", -1);
        if (parts.length < 2 || !parts[0].equals("PROXY")) {
            throw new MalformedException("no PROXY v1 line");
        }
        return switch (parts[1]) {
            case "UNKNOWN" -> UNKNOWN; // 2.1: the rest of the line is to be ignored
            case "TCP4", "TCP6" -> {
                if (parts.length != 6) {
                    throw new MalformedException("PROXY v1 line with the wrong number of fields");
                }
                boolean v6 = parts[1].equals("TCP6");
                yield new ProxyHeader(new InetSocketAddress(v1Address(parts[2], v6), port(parts[4])),
                        new InetSocketAddress(v1Address(parts[3], v6), port(parts[5])));
            }
            default -> throw new MalformedException("PROXY v1 protocol neither TCP4, TCP6 nor UNKNOWN");
        };
    }

    private static InetAddress v1Address(String text, boolean v6) throws MalformedException {
        if (!v6 && !text.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9')) {
            throw new MalformedException("PROXY v1 TCP4 address invalid"); // not "IPv6:..." into the literal below
        }
        try {
            // The address-literal grammar (RFC 5321 4.1.3) is this one, and its parser never asks DNS.
            return AddressLiteral.parse(v6 ? "[IPv6:" + text + "]" : "[" + text + "]").address();
        } catch (IllegalArgumentException e) {
            throw new MalformedException("PROXY v1 address invalid");
        }
    }

    private static int port(String text) throws MalformedException {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new MalformedException("PROXY v1 port invalid");
        }
        int port = Integer.parseInt(text);
        if (port > 65535) {
            throw new MalformedException("PROXY v1 port out of range");
        }
        return port;
    }

    /** Version 2: the 12-octet signature, version and command, family, length, then that many octets. */
    private static ProxyHeader readV2(InputStream in) throws IOException {
        for (int i = 1; i < V2_SIGNATURE.length; i++) { // octet by octet: a stranger's bytes fail at once
            if (next(in) != V2_SIGNATURE[i]) {
                throw new MalformedException("no PROXY v2 signature");
            }
        }
        byte[] fixed = new byte[16];
        readFully(in, fixed, 12, 4);
        int version = (fixed[12] & 0xF0) >> 4;
        int command = fixed[12] & 0x0F;
        if (version != 2 || command > 1) {
            throw new MalformedException("PROXY v2 version or command unknown");
        }
        int family = fixed[13] & 0xFF;
        int length = (fixed[14] & 0xFF) << 8 | fixed[15] & 0xFF;
        if (length > V2_MAX_BLOCK) {
            throw new MalformedException("PROXY v2 address block over " + V2_MAX_BLOCK + " octets");
        }
        byte[] block = new byte[length];
        readFully(in, block, 0, length);
        if (command == 0) {
            return UNKNOWN; // 2.2: LOCAL, the proxy's own connection (a health check): its block is ignored
        }
        return switch (family) {
            case 0x00, 0x31, 0x32 -> UNKNOWN; // 2.2: UNSPEC and UNIX name no IP client; the real peer stands
            case 0x11, 0x12 -> v2Addresses(block, 4);
            case 0x21, 0x22 -> v2Addresses(block, 16);
            default -> throw new MalformedException("PROXY v2 family unknown"); // 2.2: must be rejected
        };
    }

    private static ProxyHeader v2Addresses(byte[] block, int size) throws MalformedException {
        if (block.length < 2 * size + 4) {
            throw new MalformedException("PROXY v2 address block too short");
        }
        try {
            InetAddress source = InetAddress.getByAddress(Arrays.copyOfRange(block, 0, size));
            InetAddress destination = InetAddress.getByAddress(Arrays.copyOfRange(block, size, 2 * size));
            int sourcePort = (block[2 * size] & 0xFF) << 8 | block[2 * size + 1] & 0xFF;
            int destinationPort = (block[2 * size + 2] & 0xFF) << 8 | block[2 * size + 3] & 0xFF;
            return new ProxyHeader(new InetSocketAddress(source, sourcePort),
                    new InetSocketAddress(destination, destinationPort));
        } catch (UnknownHostException e) {
            throw new MalformedException("PROXY v2 address invalid"); // not reached: the lengths are 4 and 16
        }
    }

    private static void readFully(InputStream in, byte[] into, int offset, int length) throws IOException {
        if (in.readNBytes(into, offset, length) != length) {
            throw new EOFException("connection closed in the PROXY header");
        }
    }

    /** For logs: the header's version-independent content. */
    @Override
    public String toString() {
        return source == null ? "PROXY UNKNOWN"
                : "PROXY " + AddressLiteral.format(source) + " -> " + AddressLiteral.format(destination);
    }
}
