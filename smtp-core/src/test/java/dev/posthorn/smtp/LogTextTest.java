package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void everyCharacterThatEndsALineIsEscaped() {
        assertThat(LogText.escape("a\r\nb\u0000c\u007fd")).isEqualTo("a\\x0d\\x0ab\\x00c\\x7fd");
        assertThat(LogText.escape("next\u0085line\u2028sep\u2029para")).isEqualTo("next\\x85line\\u2028sep\\u2029para");
        assertThat(LogText.escape("\u0080\u009f\u001b[31m")).isEqualTo("\\x80\\x9f\\x1b[31m");
    }

    @Test
    void bidiControlsAreEscapedSoALineReadsAsItIs() {
        assertThat(LogText.escape("user\u202egnp.exe")).isEqualTo("user\\u202egnp.exe");
        assertThat(LogText.escape("\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))
                .isEqualTo("\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c");
    }

    @Test
    void ordinaryTextAndOtherScriptsStayAsTheyAre() {
        String text = "Jörg <用户@例子.测试> said: 550 5.1.1 \"no\" such user; ok=1 \\x0a";
        assertThat(LogText.escape(text)).isSameAs(text);
        assertThat(LogText.escape((String) null)).isEqualTo("null");
        assertThat(LogText.escape(new IllegalStateException("bad\nline"))).isEqualTo(
                "java.lang.IllegalStateException: bad\\x0aline");
    }
}
