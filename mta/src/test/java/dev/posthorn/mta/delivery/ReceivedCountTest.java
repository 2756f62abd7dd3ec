package dev.posthorn.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.io.BulkFilterInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Counting Received header fields for loop detection (RFC 5321 6.3), in a copy or on its own. */
class ReceivedCountTest {

    private static final String MESSAGE = "Received: from a\r\n\tby b; date\r\nreceived: from c\r\n"
            + "X-Received: not this\r\nSubject: Received: nor this\r\nRECEIVED: yes\r\n\r\n"
            + "Received: in the body does not count\r\n";

    private static InputStream pieces(String text, int piece) {
        return new BulkFilterInputStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, piece));
            }
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 8192})
    void countsOnlyHeaderFieldsNamedReceivedWhateverTheReadSizes(int piece) throws IOException {
        ReceivedCount.Counting counting = new ReceivedCount.Counting(pieces(MESSAGE, piece));
        assertThat(counting.transferTo(OutputStream.nullOutputStream())).isEqualTo(MESSAGE.length());
        assertThat(counting.count()).isEqualTo(3);
        assertThat(ReceivedCount.of(MESSAGE)).isEqualTo(3);
    }

    @Test
    void bareLfHeadersCountToo() throws IOException {
        assertThat(ReceivedCount.of("Received: x\nReceived: y\n\nReceived: body\n")).isEqualTo(2);
    }

    @Test
    void aHundredHopsAreCounted() throws IOException {
        String loop = "Received: from hop\r\n".repeat(101) + "\r\nbody\r\n";
        ReceivedCount.Counting counting = new ReceivedCount.Counting(pieces(loop, 7));
        counting.transferTo(OutputStream.nullOutputStream());
        assertThat(counting.count()).isEqualTo(101);
    }
}
