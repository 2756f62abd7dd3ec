package dev.posthorn.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RETR's and TOP's text, without a socket (RFC 1939 3 byte-stuffing, 7 TOP). */
class MessageTextTest {

    private static String write(String message, int bodyLines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageText.write(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), out, bodyLines);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void retrStuffsDotsAndMakesEveryLineEndCrlf() throws IOException {
        assertThat(write("S: x\n\n.a\r\n.\rb", Action.Text.WHOLE)).isEqualTo("S: x\r\n\r\n..a\r\n..\r\nb\r\n.\r\n");
        assertThat(write("", Action.Text.WHOLE)).isEqualTo(".\r\n");
    }

    @Test
    void topCountsBodyLinesWhateverTheirLineEnds() throws IOException {
        String message = "A: 1\r\nB: 2\n\r\n1\r2\n3\r\n4";
        assertThat(write(message, 0)).isEqualTo("A: 1\r\nB: 2\r\n\r\n.\r\n");
        assertThat(write(message, 1)).isEqualTo("A: 1\r\nB: 2\r\n\r\n1\r\n.\r\n");
        assertThat(write(message, 3)).isEqualTo("A: 1\r\nB: 2\r\n\r\n1\r\n2\r\n3\r\n.\r\n");
        assertThat(write(message, 9)).isEqualTo("A: 1\r\nB: 2\r\n\r\n1\r\n2\r\n3\r\n4\r\n.\r\n");
    }

    @Test
    void topOfAMessageWithoutBodyIsTheWholeHeader() throws IOException {
        assertThat(write("A: 1\nB: 2\n", 0)).isEqualTo("A: 1\r\nB: 2\r\n.\r\n");
    }
}
