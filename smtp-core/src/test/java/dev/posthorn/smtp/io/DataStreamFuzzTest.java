package dev.posthorn.smtp.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Fuzz targets for message text from a client: DATA (dot-unstuffing, RFC 5321 4.5.2) and BDAT chunks (RFC 3030).
 * The contract: the stream ends, or throws {@link EOFException} when the peer's bytes run out first; nothing else.
 * What DATA yields has only CRLF line ends, and stuffing it again and unstuffing gives it back unchanged.
 */
class DataStreamFuzzTest {

    @FuzzTest
    void dotUnstuffing(FuzzedDataProvider data) throws IOException {
        int piece = data.consumeInt(1, 64);
        byte[] wire = data.consumeRemainingAsBytes();
        byte[] text;
        try {
            text = readAll(new DotUnstuffingInputStream(new LineReader(new ByteArrayInputStream(wire), 16)), piece);
        } catch (EOFException e) {
            return;
        }
        assertThat(bareLineEnd(text)).as("bare CR or LF in unstuffed text").isNegative();
        if (text.length > 0 && !endsWithCrlf(text)) {
            return; // DOT-stuffing appends a CRLF to text that lacks one; no exact round trip then
        }
        ByteArrayOutputStream stuffed = new ByteArrayOutputStream();
        try (DotStuffingOutputStream out = new DotStuffingOutputStream(stuffed)) {
            out.write(text);
        }
        byte[] again = readAll(new DotUnstuffingInputStream(
                new LineReader(new ByteArrayInputStream(stuffed.toByteArray()))), piece);
        assertThat(again).isEqualTo(text);
    }

    @FuzzTest
    void bdatChunk(FuzzedDataProvider data) throws IOException {
        int size = data.consumeInt(0, 4096);
        int piece = data.consumeInt(1, 64);
        byte[] wire = data.consumeRemainingAsBytes();
        byte[] chunk;
        try {
            chunk = readAll(new ChunkInputStream(new ByteArrayInputStream(wire), size), piece);
        } catch (EOFException e) {
            assertThat(wire.length).isLessThan(size);
            return;
        }
        assertThat(chunk).hasSize(size).isEqualTo(java.util.Arrays.copyOf(wire, size));
    }

    private static byte[] readAll(InputStream in, int piece) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[piece];
        for (int n; (n = in.read(buffer, 0, piece)) >= 0; ) {
            assertThat(n).isPositive();
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static int bareLineEnd(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            boolean crlf = i + 1 < b.length && b[i] == '\r' && b[i + 1] == '\n';
            if (crlf) {
                i++;
            } else if (b[i] == '\r' || b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static boolean endsWithCrlf(byte[] b) {
        return b.length >= 2 && b[b.length - 2] == '\r' && b[b.length - 1] == '\n';
    }
}
