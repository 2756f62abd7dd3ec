package dev.posthorn.mta.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Peer text on its way into a mail log line. */
class MailLogTest {

    @Test
    void lineBreaksAndControlCharactersCannotForgeALine() {
        String forged = MailLog.peerText("alice\r\nposthorn.mail auth ok user=<root>\u0000\u0085\u2028");
        assertThat(forged).doesNotContain("\r", "\n", "\u0000", "\u0085", "\u2028", "<", ">")
                .isEqualTo("alice\\u000d\\u000aposthorn.mail auth ok user=\\u003croot\\u003e\\u0000\\u0085\\u2028");
    }

    @Test
    void ordinaryNamesStayAsTheyAreAndLongOnesAreCut() {
        assertThat(MailLog.peerText("alice@example.org")).isEqualTo("alice@example.org");
        assertThat(MailLog.peerText("jürgen")).isEqualTo("jürgen");
        assertThat(MailLog.peerText("a\\b")).isEqualTo("a\\u005cb");
        assertThat(MailLog.peerText("x".repeat(1000))).isEqualTo("x".repeat(256) + "...");
    }
}
