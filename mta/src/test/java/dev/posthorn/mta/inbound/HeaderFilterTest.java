package dev.posthorn.mta.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Forged Authentication-Results are removed as the message streams; nothing else changes (RFC 8601 5). */
class HeaderFilterTest {

    private static final String OURS = "mx.example.org";

    private static String filter(String message) throws IOException {
        return filter(message, new HeaderFilter(in(message), OURS));
    }

    private static String filter(String message, HeaderFilter filter) throws IOException {
        return new String(filter.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static InputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void ourFieldsGoWithTheirContinuationLinesAndOthersStay() throws IOException {
        String message = "Received: from a by b\r\n\tid 1\r\n"
                + "Authentication-Results: mx.example.org;\r\n\tspf=pass smtp.mailfrom=x@evil.test\r\n"
                + "Authentication-Results: other.example.net; dkim=pass header.d=example.net\r\n"
                + "authentication-results : (forged) MX.Example.ORG 1; dmarc=pass\r\n"
                + "Authentication-Results: \"mx.example.org\"; none\r\n"
                + "Subject: hi\r\n"
                + "\r\n"
                + "Authentication-Results: mx.example.org; spf=pass\r\n"
                + "body\r\n";
        HeaderFilter filter = new HeaderFilter(in(message), OURS);
        assertThat(filter(message, filter)).isEqualTo("Received: from a by b\r\n\tid 1\r\n"
                + "Authentication-Results: other.example.net; dkim=pass header.d=example.net\r\n"
                + "Subject: hi\r\n"
                + "\r\n"
                + "Authentication-Results: mx.example.org; spf=pass\r\n"
                + "body\r\n");
        assertThat(filter.removed()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mx.example.org.evil.test", "example.org", "(mx.example.org) other.test", "mx",
            "\"mx.example.org\\\"\""})
    void lookalikesAreNotOurs(String id) throws IOException {
        String message = "Authentication-Results: " + id + "; spf=pass\r\n\r\nbody\r\n";
        assertThat(filter(message)).isEqualTo(message);
    }

    @Test
    void bareLineFeedsAndAMessageWithoutBodyWork() throws IOException {
        assertThat(filter("Authentication-Results: mx.example.org; none\nSubject: x\n\nAuthentication-Results: "
                + "mx.example.org; none\n")).isEqualTo("Subject: x\n\nAuthentication-Results: mx.example.org; none\n");
        assertThat(filter("Subject: x\r\nAuthentication-Results: mx.example.org;\r\n none"))
                .isEqualTo("Subject: x\r\n");
        assertThat(filter("")).isEmpty();
    }

    @Test
    void fromFieldsAreNotedUnfolded() throws IOException {
        String message = "From: Alice\r\n <alice@example.com>\r\nTo: b@example.net\r\nFROM:x@example.net\r\n\r\n"
                + "From: not@header.test\r\n";
        HeaderFilter filter = new HeaderFilter(in(message), OURS);
        assertThat(filter(message, filter)).isEqualTo(message);
        assertThat(filter.fromFields()).containsExactly("Alice <alice@example.com>", "x@example.net");
    }

    @Test
    void overLongFieldsPassOrAreDroppedWithoutBeingHeld() throws IOException {
        String fold = "\r\n\t" + "x".repeat(1000);
        String longOther = "X-Long: a" + fold.repeat(100) + "\r\n";
        String longOurs = "Authentication-Results: mx.example.org;" + fold.repeat(100) + "\r\n";
        String longUnclear = "Authentication-Results: (" + "c".repeat(70_000) + ") other.test; none\r\n";
        String longTheirs = "Authentication-Results: other.test;" + fold.repeat(100) + "\r\n";
        String message = longOther + longOurs + longUnclear + longTheirs + "From: a@example.com" + fold.repeat(70)
                + "\r\n\r\nbody\r\n";
        HeaderFilter filter = new HeaderFilter(in(message), OURS);
        assertThat(filter(message, filter)).isEqualTo(longOther + longTheirs + "From: a@example.com"
                + fold.repeat(70) + "\r\n\r\nbody\r\n");
        assertThat(filter.removed()).isEqualTo(2);
        assertThat(filter.fromFields()).singleElement().satisfies(v -> assertThat(v.length())
                .isGreaterThan(dev.posthorn.mailauth.dmarc.Author.MAX_FIELD));
    }

    /** Whatever sizes the reads come in, the output is the same: a property over seeded random messages. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void readSizesDoNotChangeTheOutput(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder message = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        List<String> eol = List.of("\r\n", "\n");
        for (int i = 0; i < 30; i++) {
            String end = eol.get(random.nextInt(2));
            String field = switch (random.nextInt(4)) {
                case 0 -> "Authentication-Results: mx.example.org; spf=pass" + end + "\tdkim=none" + end;
                case 1 -> "Authentication-Results: other.test; spf=fail" + end;
                case 2 -> "X-" + i + ": " + "v".repeat(random.nextInt(300)) + end + " more" + end;
                default -> "Subject: " + i + end;
            };
            message.append(field);
            if (!field.contains("mx.example.org")) {
                expected.append(field);
            }
        }
        String tail = "\r\nAuthentication-Results: mx.example.org; none\r\n" + "b".repeat(random.nextInt(20_000));
        message.append(tail);
        expected.append(tail);
        HeaderFilter again = new HeaderFilter(in(message.toString()), OURS);
        ByteArrayOutputStream collected = new ByteArrayOutputStream();
        byte[] buffer = new byte[64];
        int c;
        while ((c = random.nextBoolean() ? again.read() : -2) != -1) {
            if (c == -2) {
                int n = again.read(buffer, 0, 1 + random.nextInt(64));
                if (n < 0) {
                    break;
                }
                collected.write(buffer, 0, n);
            } else {
                collected.write(c);
            }
        }
        assertThat(collected.toString(StandardCharsets.ISO_8859_1)).isEqualTo(expected.toString());
    }
}
