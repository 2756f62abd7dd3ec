package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.posthorn.smtp.io.LineReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Fuzz target for what a remote server sends back: {@link ReplyParser#read} returns a {@link Reply} (which the
 * constructor has checked) or throws {@link IOException} (a malformed reply, or end of stream); nothing else. A
 * reply written out with {@link Reply#toWire()} reads back equal.
 */
class ReplyParserFuzzTest {

    @FuzzTest
    void reply(byte[] wire) throws IOException {
        Reply reply;
        try {
            reply = ReplyParser.read(new LineReader(new ByteArrayInputStream(wire)));
        } catch (IOException e) {
            return;
        }
        assertThat(ReplyParser.read(new LineReader(new ByteArrayInputStream(reply.toWire())))).isEqualTo(reply);
    }
}
