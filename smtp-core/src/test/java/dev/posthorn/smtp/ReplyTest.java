package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Reply} (RFC 5321 4.2, RFC 2034) and {@link EnhancedStatus} (RFC 3463). */
class ReplyTest {

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(ints = {0x00, 0x01, 0x07, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B, 0x1F, 0x7F})
    void replyTextRefusesControlCharacters(int c) {
        String text = "Ok" + (char) c + "250 injected";

        assertThatIllegalArgumentException().isThrownBy(() -> Reply.of(250, "2.0.0", text));
        assertThatIllegalArgumentException().isThrownBy(() -> Reply.of(250, text));
        assertThatIllegalArgumentException().isThrownBy(() -> new Reply(250, null, List.of("fine", text)));
        assertThatIllegalArgumentException().isThrownBy(() -> Replies.OK.withText(text));
    }

    @Test
    void replyTextMayHoldTabsAndUtf8() {
        assertThat(Reply.of(250, "a\tb").lines()).containsExactly("a\tb");
        assertThat(Reply.of(250, "2.0.0", "grüße").toWire())
                .isEqualTo("250 2.0.0 grüße\r\n".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {-250, 0, 99, 199, 600, 999, 2500})
    void replyCodeMustBe200To599(int code) {
        assertThatIllegalArgumentException().isThrownBy(() -> Reply.of(code, "text"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"250, 5.0.0", "250, 4.0.0", "550, 2.0.0", "451, 5.3.0", "354, 2.0.0", "334, 5.0.0", "220, 4.0.0"})
    void enhancedStatusClassMustMatchTheReplyCode(int code, String status) {
        assertThatIllegalArgumentException().isThrownBy(() -> Reply.of(code, status, "text"));
    }

    @Test
    void replyNeedsAtLeastOneLineAndNoNulls() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Reply(250, null, List.of()));
        assertThatNullPointerException().isThrownBy(() -> new Reply(250, null, null));
        assertThatNullPointerException().isThrownBy(() -> new Reply(250, null, Arrays.asList("a", null)));
    }

    @Test
    void replyLinesAreCopiedSoTheReplyStaysImmutable() {
        List<String> lines = new ArrayList<>(List.of("one"));
        Reply reply = new Reply(250, null, lines);
        lines.add("two");

        assertThat(reply.lines()).containsExactly("one");
    }

    @Test
    void replyLineIsLimitedSoTheWireLineFitsRfc5321() {
        assertThat(Reply.of(250, "2.0.0", "x".repeat(498)).lines().get(0)).hasSize(498);
        assertThatIllegalArgumentException().isThrownBy(() -> Reply.of(250, "2.0.0", "x".repeat(499)));
        assertThatIllegalArgumentException().isThrownBy(() -> Reply.of(250, "2.0.0", "é".repeat(250)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            250 | 2.1.0 | Sender ok       | 250 2.1.0 Sender ok<CRLF>
            354 |       | Go ahead        | 354 Go ahead<CRLF>
            220 |       | mx.example ESMTP | 220 mx.example ESMTP<CRLF>
            550 | 5.1.1 | No such user    | 550 5.1.1 No such user<CRLF>
            250 | 2.0.0 | ''              | 250 2.0.0<CRLF>
            250 |       | ''              | 250 <CRLF>
            """)
    void singleLineWireForm(int code, String status, String text, String wire) {
        Reply reply = status == null ? Reply.of(code, text) : Reply.of(code, status, text);

        assertThat(new String(reply.toWire(), StandardCharsets.UTF_8)).isEqualTo(wire.replace("<CRLF>", "\r\n"));
    }

    @Test
    void multiLineWireFormRepeatsCodeAndStatusOnEveryLine() {
        Reply reply = new Reply(250, EnhancedStatus.parse("2.0.0"), List.of("mx.example", "PIPELINING", "", "SMTPUTF8"));

        assertThat(new String(reply.toWire(), StandardCharsets.UTF_8)).isEqualTo(
                "250-2.0.0 mx.example\r\n250-2.0.0 PIPELINING\r\n250-2.0.0\r\n250 2.0.0 SMTPUTF8\r\n");
    }

    @Test
    void multiLineWireFormWithoutStatus() {
        Reply reply = new Reply(250, null, List.of("mx.example greets you", "8BITMIME", "SIZE 1000"));

        assertThat(new String(reply.toWire(), StandardCharsets.US_ASCII))
                .isEqualTo("250-mx.example greets you\r\n250-8BITMIME\r\n250 SIZE 1000\r\n");
    }

    @Test
    void accessorsDescribeTheReply() {
        Reply reply = new Reply(452, EnhancedStatus.parse("4.5.3"), List.of("Too many", "recipients"));

        assertThat(reply.text()).isEqualTo("Too many recipients");
        assertThat(reply.toString()).isEqualTo("452 4.5.3 Too many recipients");
        assertThat(reply.isTransientFailure()).isTrue();
        assertThat(reply.isPositive()).isFalse();
        assertThat(reply.isPermanentFailure()).isFalse();
        assertThat(reply.withText("Later")).isEqualTo(Reply.of(452, "4.5.3", "Later"));
        assertThat(Reply.of(354, "Go").toString()).isEqualTo("354 Go");
        assertThat(Reply.of(354, "Go").enhancedStatus()).isEmpty();
        assertThat(Reply.of(354, "Go").isPositive()).isTrue();
        assertThat(Replies.UNKNOWN_COMMAND.isPermanentFailure()).isTrue();
    }

    @Test
    void everyCatalogueRefusalCarriesAnEnhancedStatusOfItsClass() throws IllegalAccessException {
        int checked = 0;
        for (Field field : Replies.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == Reply.class) {
                Reply reply = (Reply) field.get(null);
                if (reply.code() >= 400) {
                    assertThat(reply.enhancedStatus()).as(field.getName()).isPresent();
                }
                reply.enhancedStatus().ifPresent(s -> assertThat(s.codeClass()).isEqualTo(reply.code() / 100));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(30);
        assertThat(Parse.codeAndStatus(Replies.syntax("x"))).isEqualTo("501 5.5.4");
        assertThat(Parse.codeAndStatus(Replies.parameterUnrecognised("x"))).isEqualTo("555 5.5.4");
        assertThat(Parse.codeAndStatus(Replies.badSequence("x"))).isEqualTo("503 5.5.1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"2.0.0, 2, 0, 0", "5.1.1, 5, 1, 1", "4.7.0, 4, 7, 0", "5.7.11, 5, 7, 11", "4.999.999, 4, 999, 999",
            "5.01.001, 5, 1, 1"})
    void enhancedStatusParses(String text, int codeClass, int subject, int detail) {
        EnhancedStatus status = EnhancedStatus.parse(text);

        assertThat(status).isEqualTo(new EnhancedStatus(codeClass, subject, detail));
        assertThat(EnhancedStatus.isStatus(text)).isTrue();
    }

    @ParameterizedTest(name = "<{0}>")
    @ValueSource(strings = {"", "2", "2.0", "2.0.0.0", "1.0.0", "3.0.0", "6.0.0", "2..0", "2.0.", ".0.0", "5.1000.0",
            "5.0.1000", "5.-1.0", "5.+1.0", "a.b.c", "5.1.1 ", " 5.1.1", "\uff15.1.1", "\u0665.1.1", "05.1.1"})
    void malformedEnhancedStatusIsRefused(String text) {
        assertThat(EnhancedStatus.isStatus(text)).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> EnhancedStatus.parse(text));
    }

    @Test
    void enhancedStatusToStringIsItsWireForm() {
        assertThat(new EnhancedStatus(5, 7, 11).toString()).isEqualTo("5.7.11");
    }
}
