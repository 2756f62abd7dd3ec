package dev.posthorn.smtp.io;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Test helpers: a readable notation for wire bytes, and input streams that deliver bytes in small pieces. */
final class Wire {

    private Wire() {
    }

    /** {@code <CRLF>}, {@code <CR>} and {@code <LF>} become those bytes; everything else is ISO-8859-1. */
    static byte[] bytes(String notation) {
        return text(notation).getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(String notation) {
        return notation.replace("<CRLF>", "\r\n").replace("<CR>", "\r").replace("<LF>", "\n");
    }

    /** The inverse of {@link #bytes}, for readable assertions. */
    static String show(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1)
                .replace("\r\n", "<CRLF>").replace("\r", "<CR>").replace("\n", "<LF>");
    }

    static LineReader reader(String notation) {
        return new LineReader(new ByteArrayInputStream(bytes(notation)));
    }

    /** Returns at most one byte per read, like a slow network delivering a byte at a time. */
    static final class OneByteInputStream extends InputStream {
        private final byte[] data;
        private int position;

        OneByteInputStream(byte[] data) {
            this.data = data.clone();
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int c = read();
            if (c < 0) {
                return -1;
            }
            b[off] = (byte) c;
            return 1;
        }

        int consumed() {
            return position;
        }
    }

    /** Returns a seeded random number of bytes (1 to 64 KiB) per read. */
    static final class RandomChunkInputStream extends InputStream {
        private final byte[] data;
        private final Random random;
        private int position;

        RandomChunkInputStream(byte[] data, Random random) {
            this.data = data.clone();
            this.random = random;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (position == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, data.length - position), 1 + random.nextInt(random.nextBoolean() ? 8 : 65536));
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }

    /** Counts how many bytes were taken from the source, to show that a stream does not read ahead of need. */
    static final class CountingInputStream extends ByteArrayInputStream {
        CountingInputStream(byte[] data) {
            super(data);
        }

        int consumed() {
            return pos;
        }
    }
}
