package dev.posthorn.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6376 3.4: the examples of 3.4.6, the corner cases of 3.4.3 and 3.4.4, and streaming in any chunk sizes. */
class CanonicalizationTest {

    /** RFC 6376 3.4.6, written with the RFC's visible <SP>, <HTAB> and <CRLF>. */
    private static final String EXAMPLE = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";

    private static String headers(Canonicalization c) throws IOException {
        InputStream in = new ByteArrayInputStream(EXAMPLE.getBytes(StandardCharsets.ISO_8859_1));
        return HeaderSection.read(in).fields().stream().map(c::header).collect(Collectors.joining());
    }

    private static String body(Canonicalization c, String body) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = c.body(sink)) {
            out.write(body.getBytes(StandardCharsets.ISO_8859_1));
        }
        return sink.toString(StandardCharsets.ISO_8859_1);
    }

    private static String exampleBody() {
        return EXAMPLE.substring(EXAMPLE.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void relaxedExampleOfSection346() throws IOException {
        assertThat(headers(Canonicalization.RELAXED)).isEqualTo("a:X\r\nb:Y Z\r\n");
        assertThat(body(Canonicalization.RELAXED, exampleBody())).isEqualTo(" C\r\nD E\r\n");
    }

    @Test
    void simpleExampleOfSection346() throws IOException {
        assertThat(headers(Canonicalization.SIMPLE)).isEqualTo("A: X\r\nB : Y\t\r\n\tZ  \r\n");
        assertThat(body(Canonicalization.SIMPLE, exampleBody())).isEqualTo(" C \r\nD \t E\r\n");
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> simple \"{1}\", relaxed \"{2}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "''|\\r\\n|''",                         // empty body (3.4.3, 3.4.4)
        "\\r\\n\\r\\n|\\r\\n|''",               // only empty lines
        "x|x\\r\\n|x\\r\\n",                    // no final CRLF: added (RFC 6376 errata 3133 for relaxed)
        "x  \\t|x  \\t\\r\\n|x\\r\\n",          // trailing white space without CRLF
        "a\\rb\\nc\\r\\n|a\\rb\\nc\\r\\n|a\\rb\\nc\\r\\n", // a CR or LF alone is no line break
        "\\t\\r\\n \\r\\nx\\r\\n|\\t\\r\\n \\r\\nx\\r\\n|\\r\\n\\r\\nx\\r\\n", // white-space lines inside stay lines
        "x\\r\\n \\t \\r\\n\\r\\n|x\\r\\n \\t \\r\\n|x\\r\\n", // a white-space line at the end is empty in relaxed
        "x\\r|x\\r\\r\\n|x\\r\\r\\n"})          // a CR at the very end is content
    void bodyCornerCases(String in, String simple, String relaxed) throws IOException {
        assertThat(body(Canonicalization.SIMPLE, unescape(in))).isEqualTo(unescape(simple));
        assertThat(body(Canonicalization.RELAXED, unescape(in))).isEqualTo(unescape(relaxed));
    }

    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
    }

    @Test
    void relaxedHeaderKeepsColonsAndSpacesInsideTheValue() {
        HeaderField field = new HeaderField("Subject", "SUBJECT :  a : b\t\r\n  c  \r\n");
        assertThat(Canonicalization.RELAXED.header(field)).isEqualTo("subject:a : b c\r\n");
    }

    /** Streaming: the result does not depend on how the body is cut into writes. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void chunkingDoesNotChangeTheResult(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        String alphabet = "ab \t\r\n\r\n.";
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            body.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.ISO_8859_1);
        for (Canonicalization c : Canonicalization.values()) {
            String whole = body(c, body.toString());
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try (OutputStream out = c.body(sink)) {
                for (int i = 0; i < bytes.length; ) {
                    int n = Math.min(bytes.length - i, 1 + random.nextInt(7));
                    if (n == 1) {
                        out.write(bytes[i]);
                    } else {
                        out.write(bytes, i, n);
                    }
                    i += n;
                }
            }
            assertThat(sink.toString(StandardCharsets.ISO_8859_1)).isEqualTo(whole);
        }
    }
}
