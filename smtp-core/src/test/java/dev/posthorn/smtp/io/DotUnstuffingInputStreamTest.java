package dev.posthorn.smtp.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link DotUnstuffingInputStream}: the DATA body up to CRLF.CRLF (RFC 5321 4.1.1.4, 4.5.2). */
class DotUnstuffingInputStreamTest {

    /** What reading one DATA body gives: the body, the repaired line ends, and the next command line. */
    record Outcome(String body, long bareLineEnds, String next) {
    }

    static Outcome unstuff(LineReader reader) throws IOException {
        DotUnstuffingInputStream data = new DotUnstuffingInputStream(reader);
        byte[] body = data.readAllBytes();
        assertThat(data.isComplete()).isTrue();
        LineReader.Line next = reader.readLine(1000);
        return new Outcome(Wire.show(body), data.bareLineEnds(), next == null ? null : Wire.show(next.content()));
    }

    /** Runs the wire through a whole-buffer reader and a one-byte-at-a-time reader; both must agree. */
    static Outcome unstuff(String wire) throws IOException {
        Outcome whole = unstuff(Wire.reader(wire));
        Outcome oneByte = unstuff(new LineReader(new Wire.OneByteInputStream(Wire.bytes(wire))));
        assertThat(oneByte).isEqualTo(whole);
        return whole;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            .<CRLF>                                    | ''                                  | 0
            Hello<CRLF>.<CRLF>                         | Hello<CRLF>                         | 0
            Subject: x<CRLF><CRLF>body<CRLF>.<CRLF>    | Subject: x<CRLF><CRLF>body<CRLF>    | 0
            <CRLF>.<CRLF>                              | <CRLF>                              | 0
            <CRLF><CRLF>.<CRLF>                        | <CRLF><CRLF>                        | 0
            ..leading<CRLF>.<CRLF>                     | .leading<CRLF>                      | 0
            a<CRLF>..<CRLF>.<CRLF>                     | a<CRLF>.<CRLF>                      | 0
            a<CRLF>...<CRLF>.<CRLF>                    | a<CRLF>..<CRLF>                     | 0
            a<CRLF>.a<CRLF>.<CRLF>                     | a<CRLF>a<CRLF>                      | 0
            a<CRLF>. <CRLF>.<CRLF>                     | a<CRLF> <CRLF>                      | 0
            a.b<CRLF>a.<CRLF>.<CRLF>                   | a.b<CRLF>a.<CRLF>                   | 0
            ..<CRLF>.<CRLF>                            | .<CRLF>                             | 0
            a<LF>b<CRLF>.<CRLF>                        | a<CRLF>b<CRLF>                      | 1
            a<CR>b<CRLF>.<CRLF>                        | a<CRLF>b<CRLF>                      | 1
            a<CR><CR><LF>.<CRLF>                       | a<CRLF><CRLF>                       | 1
            a<LF><LF><CRLF>.<CRLF>                     | a<CRLF><CRLF><CRLF>                 | 2
            a<CR><CR><CR><CRLF>.<CRLF>                 | a<CRLF><CRLF><CRLF><CRLF>           | 3
            a<CRLF><LF>.<CRLF>.<CRLF>                  | a<CRLF><CRLF>.<CRLF>                | 1
            .<LF>.<CRLF>.<CRLF>                        | .<CRLF>.<CRLF>                      | 1
            <LF>..x<CRLF>.<CRLF>                       | <CRLF>..x<CRLF>                     | 1
            a<CR>..x<CRLF>.<CRLF>                      | a<CRLF>..x<CRLF>                    | 1
            """)
    void codecTable(String wire, String body, long bareLineEnds) throws IOException {
        assertThat(unstuff(wire + "QUIT<CRLF>")).isEqualTo(new Outcome(body, bareLineEnds, "QUIT"));
    }

    @Test
    void afterTheTerminatorTheReaderIsAtTheNextCommandAndTheBodyStaysEnded() throws IOException {
        LineReader reader = Wire.reader("body<CRLF>.<CRLF>RSET<CRLF>QUIT<CRLF>");
        DotUnstuffingInputStream data = new DotUnstuffingInputStream(reader);

        assertThat(data.isComplete()).isFalse();
        assertThat(Wire.show(data.readAllBytes())).isEqualTo("body<CRLF>");
        assertThat(data.isComplete()).isTrue();
        assertThat(data.read()).isEqualTo(-1);
        assertThat(data.read(new byte[10], 0, 10)).isEqualTo(-1);
        assertThat(data.read(new byte[10], 0, 0)).isZero();
        assertThat(reader.buffered()).isEqualTo("RSET\r\nQUIT\r\n".length());
        assertThat(Wire.show(reader.readLine(100).content())).isEqualTo("RSET");
    }

    @Test
    void singleByteReadsGiveTheSameBody() throws IOException {
        String wire = "..a<CRLF>b<LF>c<CR>d<CRLF>.<CRLF>";
        DotUnstuffingInputStream data = new DotUnstuffingInputStream(Wire.reader(wire));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int c = data.read(); c >= 0; c = data.read()) {
            out.write(c);
        }

        assertThat(Wire.show(out.toByteArray())).isEqualTo(".a<CRLF>b<CRLF>c<CRLF>d<CRLF>");
        assertThat(data.bareLineEnds()).isEqualTo(2);
    }

    @Test
    void everyOctetOtherThanCrAndLfPassesThroughUnchanged() throws IOException {
        byte[] octets = new byte[254];
        int n = 0;
        for (int c = 0; c < 256; c++) {
            if (c != '\r' && c != '\n') {
                octets[n++] = (byte) c;
            }
        }
        byte[] wire = Arrays.copyOf(octets, octets.length + 5);
        System.arraycopy(Wire.bytes("<CRLF>.<CRLF>"), 0, wire, octets.length, 5);

        byte[] body = new DotUnstuffingInputStream(new LineReader(new ByteArrayInputStream(wire))).readAllBytes();

        assertThat(body).isEqualTo(Arrays.copyOf(wire, octets.length + 2));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "abc", "abc<CRLF>", "abc<CRLF>.", "abc<CRLF>.<CR>", "abc<CRLF>.<CR>x", "abc<CR>",
            "abc<LF>.<LF>", "abc<CR>.<CR>", "abc<CRLF>..<CRLF>", "abc<CRLF>.<LF>"})
    void endOfStreamBeforeTheTerminatorIsEofException(String wire) {
        DotUnstuffingInputStream data = new DotUnstuffingInputStream(Wire.reader(wire));

        assertThatThrownBy(data::readAllBytes).isInstanceOf(EOFException.class);
        assertThat(data.isComplete()).isFalse();
    }

    @Test
    void fiveMegabyteLineWithoutLineBreakIsStreamedIntact() throws IOException {
        int size = 5 * 1024 * 1024;
        byte[] wire = new byte[size + 5];
        for (int i = 0; i < size; i++) {
            wire[i] = (byte) ('!' + i % 90);
        }
        wire[0] = '.';
        wire[1] = '.';
        System.arraycopy(Wire.bytes("<CRLF>.<CRLF>"), 0, wire, size, 5);
        Wire.CountingInputStream source = new Wire.CountingInputStream(wire);
        DotUnstuffingInputStream data = new DotUnstuffingInputStream(new LineReader(source));

        byte[] first = new byte[64 * 1024];
        int n = data.read(first, 0, first.length);
        assertThat(n).isPositive();
        assertThat(source.consumed()).as("read ahead of the consumer").isLessThan(size / 10);

        byte[] body = new byte[size + 2];
        System.arraycopy(first, 0, body, 0, n);
        int length = n;
        for (int r = data.read(body, length, body.length - length); r > 0;
                r = data.read(body, length, body.length - length)) {
            length += r;
        }

        assertThat(length).isEqualTo(size + 1); // one stuffed dot removed, CRLF kept
        assertThat(data.read()).isEqualTo(-1);
        assertThat(body[0]).isEqualTo((byte) '.');
        assertThat(Arrays.equals(body, 1, size - 1, wire, 2, size)).isTrue();
        assertThat(Wire.show(Arrays.copyOfRange(body, size - 1, size + 1))).isEqualTo("<CRLF>");
    }

    @Test
    void readArgumentsAreChecked() {
        DotUnstuffingInputStream data = new DotUnstuffingInputStream(Wire.reader(".<CRLF>"));

        assertThatThrownBy(() -> data.read(new byte[4], 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
