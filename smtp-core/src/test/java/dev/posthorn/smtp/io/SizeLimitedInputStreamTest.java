package dev.posthorn.smtp.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.io.SizeLimitedInputStream.MessageTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link SizeLimitedInputStream}: a message of exactly the limit passes, one octet more does not. */
class SizeLimitedInputStreamTest {

    private static byte[] data(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    @ParameterizedTest(name = "{0} octets, limit {1}, reads of {2}")
    @CsvSource({"0, 0, 1", "1, 1, 1", "100, 100, 1", "100, 100, 7", "100, 100, 100", "100, 100, 8192",
            "100, 101, 8192", "100000, 100000, 4096", "100000, 1000000, 65536"})
    void messageUpToTheLimitPasses(int size, long limit, int readSize) throws IOException {
        byte[] data = data(size);
        SizeLimitedInputStream in = new SizeLimitedInputStream(new ByteArrayInputStream(data), limit);

        byte[] out = readAll(in, readSize);

        assertThat(out).isEqualTo(data);
        assertThat(in.count()).isEqualTo(size);
        assertThat(in.read()).isEqualTo(-1);
    }

    @ParameterizedTest(name = "{0} octets, limit {1}, reads of {2}")
    @CsvSource({"1, 0, 1", "101, 100, 1", "101, 100, 7", "101, 100, 8192", "200, 100, 8192", "100001, 100000, 4096"})
    void messagePastTheLimitThrows(int size, long limit, int readSize) {
        SizeLimitedInputStream in = new SizeLimitedInputStream(new ByteArrayInputStream(data(size)), limit);

        assertThatThrownBy(() -> readAll(in, readSize)).isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining(String.valueOf(limit));
        assertThat(in.count()).isGreaterThan(limit);
    }

    @Test
    void singleByteReadThrowsAtTheFirstOctetPastTheLimit() throws IOException {
        SizeLimitedInputStream in = new SizeLimitedInputStream(new ByteArrayInputStream(new byte[3]), 2);

        assertThat(in.read()).isZero();
        assertThat(in.read()).isZero();
        assertThatThrownBy(in::read).isInstanceOf(MessageTooLargeException.class);
    }

    @Test
    void skippedOctetsCountTowardsTheLimit() throws IOException {
        SizeLimitedInputStream atLimit = new SizeLimitedInputStream(new ByteArrayInputStream(new byte[50_000]), 50_000);
        assertThat(atLimit.skip(60_000)).isEqualTo(50_000);
        assertThat(atLimit.count()).isEqualTo(50_000);

        SizeLimitedInputStream over = new SizeLimitedInputStream(new ByteArrayInputStream(new byte[50_001]), 50_000);
        assertThatThrownBy(() -> over.skip(60_000)).isInstanceOf(MessageTooLargeException.class);
    }

    @Test
    void markIsNotSupportedSoNoOctetIsCountedTwiceOrNever() {
        SizeLimitedInputStream in = new SizeLimitedInputStream(new ByteArrayInputStream(new byte[3]), 2);

        assertThat(in.markSupported()).isFalse();
    }

    private static byte[] readAll(SizeLimitedInputStream in, int readSize) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        for (int n = in.read(buffer, 0, readSize); n >= 0; n = in.read(buffer, 0, readSize)) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
