package dev.posthorn.smtp.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.posthorn.smtp.EnhancedStatus;
import dev.posthorn.smtp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DialogParseTest {

    @Test
    void parsesEveryStepKind() {
        Dialog dialog = Dialog.parse("all", """
                # a comment
                SET size=1000
                SET tls=off

                S: 220
                C: EHLO client.test
                S: 250 ~PIPELINING !AUTH
                C:
                C~ A\\r\\nB
                C* 3 RCPT TO:<a@b>
                S* 3 250 2.1.5
                S: 5xx|4xx 5.x.x ~later
                  # an indented comment
                TLS
                S: NOTHING
                S: CLOSE
                """);

        assertThat(dialog.name()).isEqualTo("all");
        assertThat(dialog.settings()).containsExactly(Map.entry("size", "1000"), Map.entry("tls", "off"));
        assertThat(dialog.setting("size")).contains("1000");
        assertThat(dialog.setting("max_rcpt")).isEmpty();
        List<Step> steps = dialog.steps();
        assertThat(steps).hasSize(11);
        assertThat(steps.get(0)).isEqualTo(new Step.Expect(5, CodePattern.parse("220")));
        assertThat(steps.get(1)).isEqualTo(new Step.Send(6, bytes("EHLO client.test\r\n")));
        Step.Expect ehlo = (Step.Expect) steps.get(2);
        assertThat(ehlo.present()).containsExactly("PIPELINING");
        assertThat(ehlo.absent()).containsExactly("AUTH");
        assertThat(ehlo.enhancedPattern()).isEmpty();
        assertThat(steps.get(3)).isEqualTo(new Step.Send(8, bytes("\r\n")));
        assertThat(steps.get(4)).isEqualTo(new Step.Send(9, bytes("A\r\nB")));
        assertThat(steps.get(5)).isEqualTo(new Step.Send(10, bytes("RCPT TO:<a@b>\r\n"), 3));
        assertThat(((Step.Send) steps.get(5)).wire()).isEqualTo(bytes("RCPT TO:<a@b>\r\n".repeat(3)));
        Step.Expect repeated = (Step.Expect) steps.get(6);
        assertThat(repeated.times()).isEqualTo(3);
        assertThat(repeated.enhanced()).isEqualTo(new EnhancedPattern(2, 1, 5));
        Step.Expect either = (Step.Expect) steps.get(7);
        assertThat(either.code().alternatives()).containsExactly("5xx", "4xx");
        assertThat(either.enhanced()).isEqualTo(new EnhancedPattern(5, EnhancedPattern.ANY, EnhancedPattern.ANY));
        assertThat(either.present()).containsExactly("later");
        assertThat(steps.get(8)).isEqualTo(new Step.StartTls(14));
        assertThat(steps.get(9)).isEqualTo(new Step.ExpectNothing(15));
        assertThat(steps.get(10)).isEqualTo(new Step.ExpectClose(16));
    }

    @Test
    void textIsSentAsUtf8AndCrlfFilesAreRead() {
        Dialog dialog = Dialog.parse("utf8", "S: 220\r\nC: MAIL FROM:<jösé@client.test> SMTPUTF8\r\n");
        assertThat(((Step.Send) dialog.steps().get(1)).bytes())
                .isEqualTo("MAIL FROM:<jösé@client.test> SMTPUTF8\r\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tildeEscapesGiveExactBytes() {
        Dialog dialog = Dialog.parse("escapes", "C~ a\\r\\n\\t\\\\\\x00\\xfF\\x7Eé end\n");
        byte[] expected = {'a', '\r', '\n', '\t', '\\', 0, (byte) 0xff, '~', (byte) 0xc3, (byte) 0xa9, ' ', 'e', 'n',
            'd'};
        assertThat(((Step.Send) dialog.steps().get(0)).bytes()).isEqualTo(expected);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                arguments("S: 220\nX: what", 2, "unknown step"),
                arguments("S: 25", 1, "not a reply code pattern: 25"),
                arguments("S: 6xx", 1, "not a reply code pattern: 6xx"),
                arguments("S: 2x0|", 1, "not a reply code pattern"),
                arguments("S:", 1, "unknown step"),
                arguments("S: ", 1, "missing reply code"),
                arguments("S: 550 5.5", 1, "not an enhanced status pattern: 5.5"),
                arguments("S: 550 2.0.0", 1, "can never go with reply code"),
                arguments("S: 250 ~", 1, "~ needs a word"),
                arguments("S: 250 PIPELINING", 1, "not an enhanced status pattern"),
                arguments("S: 250 2.0.0 PIPELINING", 1, "expected ~WORD or !WORD"),
                arguments("S: CLOSE now", 1, "CLOSE stands alone"),
                arguments("S* 3", 1, "S* needs a count"),
                arguments("S* x 250", 1, "not a count: x"),
                arguments("C* 0 NOOP", 1, "count must be"),
                arguments("C~ \\q", 1, "unknown escape \\q"),
                arguments("C~ \\x4", 1, "\\x needs two hex digits"),
                arguments("C~ end\\", 1, "backslash at the end"),
                arguments("C~", 1, "unknown step"),
                arguments("C:NOOP", 1, "unknown step"),
                arguments("TLS now", 1, "unknown step"),
                arguments("S: 220\n\n# c\nSET size=1", 4, "SET must come before the first step"),
                arguments("SET size", 1, "SET needs key=value"),
                arguments("SET size=", 1, "SET needs key=value"),
                arguments("SET size=1\nSET size=2\nS: 220", 2, "SET size given twice"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedLinesNameTheirLine(String text, int line, String reason) {
        assertThatThrownBy(() -> Dialog.parse("bad.dialog", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad.dialog line " + line + ": ")
                .hasMessageContaining(reason);
    }

    @Test
    void controlCharactersInTextAreRefusedAndNotEchoed() {
        assertThatThrownBy(() -> Dialog.parse("bad.dialog", "C: NO\u001bOP"))
                .hasMessageStartingWith("bad.dialog line 1: control character")
                .hasMessageContaining("\\u001B")
                .hasMessageNotContaining("\u001b");
    }

    @Test
    void aFileWithoutStepsIsRefused() {
        assertThatThrownBy(() -> Dialog.parse("empty.dialog", "# nothing\n\nSET tls=off\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty.dialog: no steps");
    }

    @ParameterizedTest
    @CsvSource({
        "250, 250, true", "250, 251, false", "2xx, 250, true", "2xx, 354, false", "45x, 452, true",
        "45x, 441, false", "2xx|5xx, 554, true", "2xx|5xx, 421, false", "50x, 502, true", "50x, 510, false",
    })
    void codePatterns(String pattern, int code, boolean matches) {
        assertThat(CodePattern.parse(pattern).matches(code)).isEqualTo(matches);
        assertThat(CodePattern.parse(pattern)).hasToString(pattern);
    }

    @ParameterizedTest
    @CsvSource({
        "5.5.1, 5.5.1, true", "5.5.1, 5.5.2, false", "5.x.x, 5.7.8, true", "5.x.x, 4.7.8, false",
        "5.7.x, 5.7.0, true", "5.7.x, 5.1.0, false", "4.x.3, 4.5.3, true",
    })
    void enhancedPatterns(String pattern, String status, boolean matches) {
        assertThat(EnhancedPattern.parse(pattern).matches(EnhancedStatus.parse(status))).isEqualTo(matches);
        assertThat(EnhancedPattern.parse(pattern)).hasToString(pattern);
    }

    @Test
    void expectExplainsEveryMismatch() {
        Step.Expect expect = (Step.Expect) Dialog.parse("d", "S: 250 2.0.0 ~AUTH !STARTTLS").steps().get(0);
        Reply reply = new Reply(250, EnhancedStatus.parse("2.1.0"), List.of("mx.posthorn.test", "STARTTLS"));

        assertThat(expect.check(reply)).hasValueSatisfying(message -> assertThat(message)
                .contains("expected 250 2.0.0 ~AUTH !STARTTLS")
                .contains("got 250 2.1.0 \"mx.posthorn.test\" / \"STARTTLS\"")
                .contains("the enhanced status is not 2.0.0")
                .contains("no line contains AUTH")
                .contains("a line contains STARTTLS"));
        assertThat(expect.check(new Reply(250, EnhancedStatus.parse("2.0.0"), List.of("x", "auth plain"))))
                .isEmpty();
    }

    @Test
    void stepsDescribeThemselvesInDialogueNotation() {
        Dialog dialog = Dialog.parse("d", "C: NOOP\nC~ a\\nb\nC* 2 RSET\nS* 2 250 2.x.x ~OK\nS: CLOSE\n");
        assertThat(dialog.steps()).extracting(Step::describe)
                .containsExactly("C: NOOP", "C~ a\\nb", "C* 2 RSET", "S* 2 250 2.x.x ~OK", "S: CLOSE");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
