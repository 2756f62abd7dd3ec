package dev.posthorn.smtp.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random message bodies through {@link DotStuffingOutputStream} then {@link DotUnstuffingInputStream}: a body
 * with only CRLF line ends, ending in CRLF, comes back byte for byte, however the bytes are chunked on the way.
 */
class DotStuffingRoundTripTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 42, 5321, 51764, 51765, 51766, 20231218, 99999989})
    void crlfBodiesRoundTripByteExact(long seed) throws IOException {
        Random random = new Random(seed);
        for (int i = 0; i < 20; i++) {
            byte[] body = crlfBody(random);
            byte[] wire = stuff(body, random);

            UnstuffResult result = unstuff(wire, random);

            assertThat(result.body()).as("seed %d body %d", seed, i).isEqualTo(body);
            assertThat(result.bareLineEnds()).isZero();
            assertThat(result.next()).isEqualTo("QUIT");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void bodiesWithBareLineEndsComeBackNormalisedToCrlf(long seed) throws IOException {
        Random random = new Random(seed);
        for (int i = 0; i < 20; i++) {
            byte[] body = anyBody(random);
            String normalised = new String(body, StandardCharsets.ISO_8859_1).replaceAll("\r\n|\r|\n", "\r\n");
            if (!normalised.isEmpty() && !normalised.endsWith("\r\n")) {
                normalised += "\r\n";
            }

            UnstuffResult result = unstuff(stuff(body, random), random);

            assertThat(Wire.show(result.body())).isEqualTo(Wire.show(normalised.getBytes(StandardCharsets.ISO_8859_1)));
            assertThat(result.bareLineEnds()).isZero();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23, 24, 25})
    void stuffedWireNeverContainsAnEarlyTerminatorOrBareLineEnd(long seed) throws IOException {
        Random random = new Random(seed);
        for (int i = 0; i < 20; i++) {
            String wire = new String(stuff(anyBody(random), random), StandardCharsets.ISO_8859_1); // ends with QUIT
            String withoutCrlf = wire.replace("\r\n", "");

            int terminator = ("\r\n" + wire).indexOf("\r\n.\r\n");
            assertThat(terminator).isEqualTo(wire.length() - "QUIT\r\n".length() - 3);
            assertThat(withoutCrlf).doesNotContain("\r").doesNotContain("\n");
        }
    }

    record UnstuffResult(byte[] body, long bareLineEnds, String next) {
    }

    private static byte[] stuff(byte[] body, Random random) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DotStuffingOutputStream out = new DotStuffingOutputStream(wire);
        int offset = 0;
        while (offset < body.length) {
            int n = Math.min(body.length - offset, 1 + random.nextInt(random.nextBoolean() ? 3 : 5000));
            if (n == 1 && random.nextBoolean()) {
                out.write(body[offset]);
            } else {
                out.write(body, offset, n);
            }
            offset += n;
        }
        out.finish();
        wire.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        return wire.toByteArray();
    }

    /** Reads through random source chunks, a random reader buffer size and random read sizes and offsets. */
    private static UnstuffResult unstuff(byte[] wire, Random random) throws IOException {
        LineReader reader = new LineReader(new Wire.RandomChunkInputStream(wire, random), 1 + random.nextInt(20_000));
        DotUnstuffingInputStream data = new DotUnstuffingInputStream(reader);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[10_000];
        while (true) {
            int off = random.nextInt(100);
            int len = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(buffer.length - off);
            int n = random.nextInt(10) == 0 ? singleByte(data, buffer, off) : data.read(buffer, off, len);
            if (n < 0) {
                break;
            }
            assertThat(n).isPositive();
            body.write(buffer, off, n);
        }
        LineReader.Line next = reader.readLine(100);
        return new UnstuffResult(body.toByteArray(), data.bareLineEnds(),
                next == null ? null : new String(next.content(), StandardCharsets.US_ASCII));
    }

    private static int singleByte(DotUnstuffingInputStream data, byte[] buffer, int off) throws IOException {
        int c = data.read();
        if (c < 0) {
            return -1;
        }
        buffer[off] = (byte) c;
        return 1;
    }

    /** Lines of random octets other than CR and LF, dots favoured at line starts, each ending in CRLF. */
    private static byte[] crlfBody(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int lines = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 5 : 300);
        for (int i = 0; i < lines; i++) {
            int kind = random.nextInt(8);
            if (kind == 0) {
                out.write('.');
            } else if (kind == 1) {
                out.writeBytes("..".getBytes(StandardCharsets.US_ASCII));
            } else if (kind == 2) {
                out.write('.');
                writeOctets(out, random, 1 + random.nextInt(40));
            } else if (kind != 3) {
                writeOctets(out, random, random.nextInt(random.nextInt(20) == 0 ? 20_000 : 100));
            }
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    private static void writeOctets(ByteArrayOutputStream out, Random random, int count) {
        for (int j = 0; j < count; j++) {
            int c = random.nextInt(8) == 0 ? '.' : random.nextInt(256);
            out.write(c == '\r' || c == '\n' ? ' ' : c);
        }
    }

    /** Arbitrary octets, CR, LF and dots frequent: the line ends a sloppy client might send. */
    private static byte[] anyBody(Random random) {
        byte[] body = new byte[random.nextInt(3000)];
        for (int i = 0; i < body.length; i++) {
            int pick = random.nextInt(12);
            body[i] = (byte) (pick < 2 ? '\r' : pick < 4 ? '\n' : pick < 6 ? '.' : random.nextInt(256));
        }
        return body;
    }
}
