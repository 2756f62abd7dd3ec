package dev.posthorn.smtp.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link DotStuffingOutputStream}: message text as written for DATA (RFC 5321 4.5.2). */
class DotStuffingOutputStreamTest {

    static String stuff(String body) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DotStuffingOutputStream out = new DotStuffingOutputStream(wire);
        out.write(Wire.bytes(body));
        out.finish();
        return Wire.show(wire.toByteArray());
    }

    @ParameterizedTest(name = "<{0}>")
    @CsvSource(delimiter = '|', textBlock = """
            ''                      | .<CRLF>
            Hello<CRLF>             | Hello<CRLF>.<CRLF>
            Hello                   | Hello<CRLF>.<CRLF>
            <CRLF>                  | <CRLF>.<CRLF>
            .                       | ..<CRLF>.<CRLF>
            .hidden<CRLF>           | ..hidden<CRLF>.<CRLF>
            ..two<CRLF>             | ...two<CRLF>.<CRLF>
            a<CRLF>.<CRLF>b         | a<CRLF>..<CRLF>b<CRLF>.<CRLF>
            a.b<CRLF>c.<CRLF>       | a.b<CRLF>c.<CRLF>.<CRLF>
            a<LF>b                  | a<CRLF>b<CRLF>.<CRLF>
            a<CR>b                  | a<CRLF>b<CRLF>.<CRLF>
            a<CR>                   | a<CRLF>.<CRLF>
            a<CR><CR>               | a<CRLF><CRLF>.<CRLF>
            a<LF><CR>               | a<CRLF><CRLF>.<CRLF>
            a<CR><CR><LF>           | a<CRLF><CRLF>.<CRLF>
            a<LF>.b                 | a<CRLF>..b<CRLF>.<CRLF>
            a<CR>.b                 | a<CRLF>..b<CRLF>.<CRLF>
            <LF>.<LF>               | <CRLF>..<CRLF>.<CRLF>
            <CR>.<CR>               | <CRLF>..<CRLF>.<CRLF>
            x<CRLF>.<LF>            | x<CRLF>..<CRLF>.<CRLF>
            """)
    void codecTable(String body, String wire) throws IOException {
        assertThat(stuff(body)).isEqualTo(wire);
    }

    @Test
    void crAndLfSplitAcrossWritesAreStillOneLineEnd() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DotStuffingOutputStream out = new DotStuffingOutputStream(wire);
        out.write(Wire.bytes("a<CR>"));
        out.write('\n');
        out.write('.');
        out.write(Wire.bytes("b<CR>"));
        out.finish();

        assertThat(Wire.show(wire.toByteArray())).isEqualTo("a<CRLF>..b<CRLF>.<CRLF>");
    }

    @Test
    void eightBitOctetsPassThrough() throws IOException {
        byte[] body = {(byte) 0x80, (byte) 0xFF, 0, (byte) 0xC3, (byte) 0xA9};
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DotStuffingOutputStream out = new DotStuffingOutputStream(wire);
        out.write(body, 0, body.length);
        out.finish();

        assertThat(wire.toByteArray()).containsExactly(0x80, 0xFF, 0, 0xC3, 0xA9, '\r', '\n', '.', '\r', '\n');
    }

    /** OutputStream.write(int) writes the low eight bits; the high bits must not hide a CR, LF or dot. */
    @Test
    void writeIntLooksOnlyAtTheLowEightBits() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DotStuffingOutputStream out = new DotStuffingOutputStream(wire);
        out.write(0x100 | '.');
        out.write(0x100 | 'a');
        out.write(0x100 | '\n');
        out.write(0xF00 | '.');
        out.write(0x100 | '\r');
        out.write('b');
        out.write(-256 | '\n');
        out.finish();

        assertThat(Wire.show(wire.toByteArray())).isEqualTo("..a<CRLF>..<CRLF>b<CRLF>.<CRLF>");
    }

    @Test
    void finishIsIdempotentAndWritingAfterItFails() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DotStuffingOutputStream out = new DotStuffingOutputStream(wire);
        out.write('x');
        out.finish();
        out.finish();
        out.close();

        assertThat(Wire.show(wire.toByteArray())).isEqualTo("x<CRLF>.<CRLF>");
        assertThatThrownBy(() -> out.write('y')).isInstanceOf(IOException.class);
    }

    @Test
    void closeFinishesButLeavesTheConnectionOpen() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        boolean[] state = {false, false};
        OutputStream connection = new OutputStream() {
            @Override
            public void write(int b) {
                wire.write(b);
            }

            @Override
            public void flush() {
                state[0] = true;
            }

            @Override
            public void close() {
                state[1] = true;
            }
        };

        new DotStuffingOutputStream(connection).close();

        assertThat(Wire.show(wire.toByteArray())).isEqualTo(".<CRLF>");
        assertThat(state[0]).as("flushed").isTrue();
        assertThat(state[1]).as("closed").isFalse();
    }

    /**
     * A large message (bench/big-message relays 1 GiB) goes out in runs, not an octet at a time: each write(int) into
     * the buffered socket stream takes its lock, which held the relay of 1 GiB to about 85 MB/s; nor a line at a
     * time, CRLF apart.
     */
    @Test
    void bulkWritesPassRunsOfTextOnInOneCall() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int[] calls = {0};
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                calls[0]++;
                wire.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                calls[0]++;
                wire.write(b, off, len);
            }
        };
        String line = "a".repeat(998);
        DotStuffingOutputStream out = new DotStuffingOutputStream(counting);
        out.write(Wire.bytes((line + "<CRLF>").repeat(64) + ".x<CRLF>"));
        out.finish();

        assertThat(Wire.show(wire.toByteArray())).isEqualTo((line + "<CRLF>").repeat(64) + "..x<CRLF>.<CRLF>");
        // the 64 lines and their CRLFs in one call, then the stuffed dot, the last line and the terminator
        assertThat(calls[0]).as("writes into the connection for 65 lines").isLessThan(8);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void bulkWritesInAnySplitEqualOctetByOctetWrites(long seed) throws IOException {
        Random random = new Random(seed);
        byte[] alphabet = {'.', '.', '\r', '\n', '\r', '\n', 'a', 'b', (byte) 0xC3};
        byte[] body = new byte[5000];
        for (int i = 0; i < body.length; i++) {
            body[i] = alphabet[random.nextInt(alphabet.length)];
        }
        ByteArrayOutputStream single = new ByteArrayOutputStream();
        DotStuffingOutputStream one = new DotStuffingOutputStream(single);
        for (byte b : body) {
            one.write(b);
        }
        one.finish();
        ByteArrayOutputStream split = new ByteArrayOutputStream();
        DotStuffingOutputStream bulk = new DotStuffingOutputStream(split);
        for (int at = 0; at < body.length;) {
            int n = Math.min(body.length - at, random.nextInt(40));
            bulk.write(body, at, n);
            at += n;
        }
        bulk.finish();

        assertThat(split.toByteArray()).isEqualTo(single.toByteArray());
    }
}
