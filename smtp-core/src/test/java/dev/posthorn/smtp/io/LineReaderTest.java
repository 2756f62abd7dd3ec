package dev.posthorn.smtp.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link LineReader}: bounded lines ending at LF, with the bytes after a line left readable. */
class LineReaderTest {

    /** Every line of {@code in} as {@code content[/bareLf][/tooLong]}, in the notation of {@link Wire}. */
    private static List<String> lines(LineReader in, int max) throws IOException {
        List<String> out = new ArrayList<>();
        for (LineReader.Line line = in.readLine(max); line != null; line = in.readLine(max)) {
            out.add(describe(line));
        }
        return out;
    }

    private static String describe(LineReader.Line line) {
        return Wire.show(line.content()) + (line.bareLf() ? "/bareLf" : "") + (line.tooLong() ? "/tooLong" : "");
    }

    /** Expected lines are separated by {@code ;}; {@code EMPTY} is an empty CRLF line, {@code NONE} no line at all. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            HELO a<CRLF>QUIT<CRLF>             | HELO a;QUIT
            HELO a<LF>QUIT<CRLF>               | HELO a/bareLf;QUIT
            <CRLF>                             | EMPTY
            <LF>                               | /bareLf
            <CRLF><CRLF><LF>                   | EMPTY;EMPTY;/bareLf
            a<CR>b<CRLF>                       | a<CR>b
            a<CR><CR><LF>                      | a<CR>
            a<CR>b<LF>                         | a<CR>b/bareLf
            <CR><LF><CR>                       | EMPTY
            abc                                | NONE
            abc<CRLF>partial                   | abc
            ''                                 | NONE
            """)
    void splitsLinesAtLfAndFlagsBareLf(String wire, String expected) throws IOException {
        List<String> want = expected.equals("NONE") ? List.of()
                : Arrays.stream(expected.split(";")).map(s -> s.equals("EMPTY") ? "" : s).toList();

        assertThat(lines(Wire.reader(wire), 100)).isEqualTo(want);
        assertThat(lines(new LineReader(new Wire.OneByteInputStream(Wire.bytes(wire))), 100)).isEqualTo(want);
        assertThat(lines(new LineReader(new ByteArrayInputStream(Wire.bytes(wire)), 1), 100)).isEqualTo(want);
    }

    @ParameterizedTest(name = "limit {0}, buffer {1}")
    @CsvSource({"1, 16384", "10, 16384", "255, 16384", "256, 16384", "257, 16384", "1000, 16384", "20000, 16384",
            "1000, 1", "1000, 7", "1000, 999", "1000, 1000", "1000, 1001", "1000, 1002", "20000, 4096"})
    void lineOfExactlyTheLimitIsReadAndOneMoreIsTooLong(int limit, int bufferSize) throws IOException {
        String ok = "a".repeat(limit);
        String over = "b".repeat(limit + 1);
        String wire = ok + "<CRLF>" + ok + "<LF>" + over + "<CRLF>" + over + "<LF>" + "c".repeat(limit - 1) + "<CR>"
                + "<CRLF>z<CRLF>";

        LineReader in = new LineReader(new ByteArrayInputStream(Wire.bytes(wire)), bufferSize);

        assertThat(lines(in, limit)).containsExactly(ok, ok + "/bareLf", "/tooLong", "/tooLong",
                "c".repeat(limit - 1) + "<CR>", "z");
    }

    @Test
    void tooLongLineIsSkippedAndTheNextLineIsReadCorrectly() throws IOException {
        LineReader in = Wire.reader("x".repeat(100_000) + "<CRLF>MAIL FROM:<a@b.example><CRLF>");

        LineReader.Line skipped = in.readLine(512);
        LineReader.Line next = in.readLine(512);

        assertThat(skipped.tooLong()).isTrue();
        assertThat(skipped.content()).isEmpty();
        assertThat(new String(next.content(), StandardCharsets.US_ASCII)).isEqualTo("MAIL FROM:<a@b.example>");
        assertThat(next.bareLf()).isFalse();
    }

    @Test
    void lineLongerThanTheDiscardLimitIsAnError() {
        byte[] endless = new byte[LineReader.MAX_DISCARD + 10];
        Arrays.fill(endless, (byte) 'x');
        LineReader in = new LineReader(new ByteArrayInputStream(endless));

        assertThatThrownBy(() -> in.readLine(512)).isInstanceOf(LineReader.LineTooLongException.class);
    }

    @Test
    void endOfStreamGivesNullAgainAndAgain() throws IOException {
        LineReader in = Wire.reader("only<CRLF>");

        assertThat(describe(in.readLine(10))).isEqualTo("only");
        assertThat(in.readLine(10)).isNull();
        assertThat(in.readLine(10)).isNull();
        assertThat(in.read()).isEqualTo(-1);
        assertThat(in.read(new byte[4], 0, 4)).isEqualTo(-1);
    }

    @Test
    void bytesAfterALineRemainReadable() throws IOException {
        LineReader in = Wire.reader("BDAT 6 LAST<CRLF>hello<LF>RSET<CRLF>");

        assertThat(describe(in.readLine(100))).isEqualTo("BDAT 6 LAST");
        assertThat(in.buffered()).isEqualTo(12);
        assertThat(in.available()).isEqualTo(12);
        assertThat(in.read()).isEqualTo('h');
        byte[] rest = new byte[5];
        assertThat(in.read(rest, 0, 5)).isEqualTo(5);
        assertThat(Wire.show(rest)).isEqualTo("ello<LF>");
        assertThat(describe(in.readLine(100))).isEqualTo("RSET");
        assertThat(in.buffered()).isZero();
    }

    @Test
    void bytesAfterALineRemainReadableFromAOneByteSource() throws IOException {
        Wire.OneByteInputStream source = new Wire.OneByteInputStream(Wire.bytes("DATA<CRLF>body"));
        LineReader in = new LineReader(source);

        assertThat(describe(in.readLine(100))).isEqualTo("DATA");
        assertThat(source.consumed()).isEqualTo(6);
        assertThat(in.buffered()).isZero();
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("body");
    }

    @Test
    void largeReadWithAnEmptyBufferGoesStraightToTheSource() throws IOException {
        byte[] data = new byte[100];
        new Random(5).nextBytes(data);
        LineReader in = new LineReader(new ByteArrayInputStream(data), 16);
        byte[] out = new byte[100];

        assertThat(in.read(out, 0, 100)).isEqualTo(100);
        assertThat(out).isEqualTo(data);
        assertThat(in.read(out, 0, 0)).isZero();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void oneBytePiecesAndRandomPiecesGiveTheSameLinesAsWholeInput(long seed) throws IOException {
        Random random = new Random(seed);
        byte[] data = new byte[1000 + random.nextInt(20_000)];
        for (int i = 0; i < data.length; i++) {
            int pick = random.nextInt(30);
            data[i] = (byte) (pick == 0 ? '\n' : pick == 1 ? '\r' : random.nextInt(256));
        }
        int limit = 1 + random.nextInt(100);

        List<String> whole = lines(new LineReader(new ByteArrayInputStream(data)), limit);
        List<String> oneByte = lines(new LineReader(new Wire.OneByteInputStream(data)), limit);
        List<String> randomPieces = lines(new LineReader(new Wire.RandomChunkInputStream(data, random),
                1 + random.nextInt(300)), limit);

        assertThat(whole).isNotEmpty();
        assertThat(oneByte).isEqualTo(whole);
        assertThat(randomPieces).isEqualTo(whole);
    }

    @Test
    void closeClosesTheSource() throws IOException {
        boolean[] closed = {false};
        InputStream source = new ByteArrayInputStream(new byte[0]) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        new LineReader(source).close();

        assertThat(closed[0]).isTrue();
    }
}
