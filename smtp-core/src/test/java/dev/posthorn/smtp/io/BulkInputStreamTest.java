package dev.posthorn.smtp.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Single octets and skips go through the subclass's bulk read, so nothing passes around its logic. */
class BulkInputStreamTest {

    /** Upper-cases what passes and counts the calls, reading at most three octets a call. */
    private static final class Upper extends BulkFilterInputStream {
        int calls;
        long passed;

        Upper(String text) {
            super(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            calls++;
            int n = super.read(b, off, Math.min(len, 3));
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) Character.toUpperCase(b[off + i]);
            }
            passed += Math.max(n, 0);
            return n;
        }
    }

    @Test
    void singleOctetReadsAreFilteredAndCounted() throws IOException {
        Upper in = new Upper("ab");
        assertThat(in.read()).isEqualTo('A');
        assertThat(in.read()).isEqualTo('B');
        assertThat(in.read()).isEqualTo(-1);
        assertThat(in.passed).isEqualTo(2);
        assertThat(in.calls).isEqualTo(3);
    }

    @Test
    void skipReadsThroughTheSubclass() throws IOException {
        Upper in = new Upper("abcdefghij");
        assertThat(in.skip(7)).isEqualTo(7);
        assertThat(in.passed).isEqualTo(7);
        assertThat(in.readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("HIJ");
        assertThat(in.skip(5)).isZero();
        assertThat(in.skip(-1)).isZero();
        assertThat(in.skip(0)).isZero();
    }

    @Test
    void skipStopsAtTheEnd() throws IOException {
        Upper in = new Upper("abcd");
        assertThat(in.skip(100)).isEqualTo(4);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void aReadOfNothingIsRetriedNotTakenForTheEnd() throws IOException {
        InputStream in = new BulkInputStream() {
            private int zeros = 2;
            private boolean done;

            @Override
            public int read(byte[] b, int off, int len) {
                if (zeros > 0) {
                    zeros--;
                    return 0;
                }
                if (done) {
                    return -1;
                }
                done = true;
                b[off] = (byte) 0xfe;
                return 1;
            }
        };
        assertThat(in.read()).isEqualTo(0xfe);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void marksAreNotSupported() {
        assertThat(new Upper("x").markSupported()).isFalse();
    }
}
