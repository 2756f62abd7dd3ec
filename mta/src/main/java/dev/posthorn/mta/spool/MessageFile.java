package dev.posthorn.mta.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The layout of a queue file: body, envelope block, footer. The footer (fixed size, at the end) holds a magic
 * number, the format version, the body length, the envelope length and the envelope's CRC-32, so a reader can tell
 * a whole file from a torn or foreign one without trusting anything else in it.
 */
final class MessageFile {

    static final int MAGIC = 0x50485350; // "PHSP"
    static final int VERSION = 1;
    static final int FOOTER = 4 + 4 + 8 + 4 + 4;

    private MessageFile() {
    }

    /** The footer for a body of {@code bodyLength} octets followed by {@code envelope}. */
    static ByteBuffer footer(long bodyLength, byte[] envelope) {
        CRC32 crc = new CRC32();
        crc.update(envelope);
        ByteBuffer footer = ByteBuffer.allocate(FOOTER);
        footer.putInt(MAGIC).putInt(VERSION).putLong(bodyLength).putInt(envelope.length).putInt((int) crc.getValue());
        return footer.flip();
    }

    /**
     * A validated file: the envelope and where the body ends.
     *
     * @param envelope   the decoded envelope
     * @param bodyLength the body's length in octets (the body starts at offset 0)
     */
    record Contents(SpoolEnvelope envelope, long bodyLength) {
    }

    /** @throws IllegalArgumentException when the file is torn, damaged or not a queue file */
    static Contents read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < FOOTER) {
                throw new IllegalArgumentException("shorter than a footer");
            }
            ByteBuffer footer = ByteBuffer.allocate(FOOTER);
            readFully(channel, footer, size - FOOTER);
            footer.flip();
            if (footer.getInt() != MAGIC) {
                throw new IllegalArgumentException("no footer magic");
            }
            int version = footer.getInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown format version " + version);
            }
            long bodyLength = footer.getLong();
            int envelopeLength = footer.getInt();
            int crc = footer.getInt();
            if (bodyLength < 0 || envelopeLength <= 0 || envelopeLength > 16 << 20
                    || bodyLength + envelopeLength + FOOTER != size) {
                throw new IllegalArgumentException("lengths do not add up");
            }
            ByteBuffer envelope = ByteBuffer.allocate(envelopeLength);
            readFully(channel, envelope, bodyLength);
            CRC32 check = new CRC32();
            check.update(envelope.array());
            if ((int) check.getValue() != crc) {
                throw new IllegalArgumentException("envelope checksum mismatch");
            }
            return new Contents(EnvelopeCodec.decode(envelope.array()), bodyLength);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IllegalArgumentException("unexpected end of file");
            }
        }
    }
}
