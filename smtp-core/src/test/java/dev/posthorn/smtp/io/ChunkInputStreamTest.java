package dev.posthorn.smtp.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ChunkInputStream}: exactly the octets of one BDAT chunk (RFC 3030 2). */
class ChunkInputStreamTest {

    @ParameterizedTest(name = "size {0} of {1}")
    @CsvSource({"0, 0123456789REST", "1, 0123456789REST", "10, 0123456789REST", "14, 0123456789REST"})
    void readsExactlyTheChunkAndLeavesTheRest(int size, String source) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(source.getBytes(StandardCharsets.US_ASCII));
        ChunkInputStream chunk = new ChunkInputStream(in, size);

        assertThat(new String(chunk.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(source.substring(0, size));
        assertThat(chunk.remaining()).isZero();
        assertThat(chunk.read()).isEqualTo(-1);
        assertThat(chunk.read(new byte[5], 0, 5)).isEqualTo(-1);
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(source.substring(size));
    }

    @Test
    void singleByteReadsCountDown() throws IOException {
        ChunkInputStream chunk = new ChunkInputStream(new ByteArrayInputStream(new byte[] {(byte) 0xFF, 0, 7}), 2);

        assertThat(chunk.read()).isEqualTo(0xFF);
        assertThat(chunk.remaining()).isEqualTo(1);
        assertThat(chunk.read()).isZero();
        assertThat(chunk.remaining()).isZero();
        assertThat(chunk.read()).isEqualTo(-1);
    }

    @Test
    void lineEndsAndDotsAreNotInterpreted() throws IOException {
        byte[] binary = Wire.bytes("a<CRLF>.<CRLF><LF>.<LF><CR>");
        ChunkInputStream chunk = new ChunkInputStream(new ByteArrayInputStream(binary), binary.length);

        assertThat(chunk.readAllBytes()).isEqualTo(binary);
    }

    @Test
    void readsNeverAskTheSourceForMoreThanTheChunk() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream("abcdefgh".getBytes(StandardCharsets.US_ASCII));
        ChunkInputStream chunk = new ChunkInputStream(in, 3);
        byte[] buffer = new byte[100];

        assertThat(chunk.read(buffer, 10, 100 - 10)).isEqualTo(3);
        assertThat(new String(buffer, 10, 3, StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(in.available()).isEqualTo(5);
    }

    @Test
    void endOfStreamInsideTheChunkIsEofException() throws IOException {
        ChunkInputStream bulk = new ChunkInputStream(new ByteArrayInputStream(new byte[5]), 10);
        assertThat(bulk.read(new byte[10], 0, 10)).isEqualTo(5);
        assertThatThrownBy(() -> bulk.read(new byte[10], 0, 10)).isInstanceOf(EOFException.class);

        ChunkInputStream single = new ChunkInputStream(new ByteArrayInputStream(new byte[0]), 1);
        assertThatThrownBy(single::read).isInstanceOf(EOFException.class);

        ChunkInputStream all = new ChunkInputStream(new ByteArrayInputStream(new byte[3]), 4);
        assertThatThrownBy(all::readAllBytes).isInstanceOf(EOFException.class);
    }

    @Test
    void skipRestConsumesExactlyTheRemainder() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(new byte[100_000 + 4]);
        ChunkInputStream chunk = new ChunkInputStream(in, 100_000);
        assertThat(chunk.read(new byte[10], 0, 10)).isEqualTo(10);

        chunk.skipRest();

        assertThat(chunk.remaining()).isZero();
        assertThat(in.available()).isEqualTo(4);
        chunk.skipRest();
        assertThat(in.available()).isEqualTo(4);
    }

    @Test
    void skipRestOfATruncatedChunkIsEofException() {
        ChunkInputStream chunk = new ChunkInputStream(new ByteArrayInputStream(new byte[10]), 20);

        assertThatThrownBy(chunk::skipRest).isInstanceOf(EOFException.class);
    }

    @Test
    void bdatChunkFollowsItsCommandThroughTheLineReader() throws IOException {
        LineReader reader = Wire.reader("BDAT 6 LAST<CRLF>a<CRLF>.<CRLF>QUIT<CRLF>");

        assertThat(Wire.show(reader.readLine(100).content())).isEqualTo("BDAT 6 LAST");
        assertThat(Wire.show(new ChunkInputStream(reader, 6).readAllBytes())).isEqualTo("a<CRLF>.<CRLF>");
        assertThat(Wire.show(reader.readLine(100).content())).isEqualTo("QUIT");
    }

    @Test
    void argumentsAreChecked() {
        ChunkInputStream chunk = new ChunkInputStream(new ByteArrayInputStream(new byte[10]), 5);

        assertThatIllegalArgumentException().isThrownBy(() -> new ChunkInputStream(new ByteArrayInputStream(new byte[0]), -1));
        assertThatThrownBy(() -> chunk.read(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(chunk.remaining()).isEqualTo(5);
    }
}
