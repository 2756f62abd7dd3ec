package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6531: UTF-8 addresses need SMTPUTF8 on MAIL, and RCPT may carry them only in such a transaction. */
class Utf8AddressTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            MAIL FROM:<jöran@example.org> SMTPUTF8                  | jöran            | example.org
            MAIL FROM:<user@bücher.example> SMTPUTF8                | user             | bücher.example
            MAIL FROM:<"jö ran"@example.org> SMTPUTF8               | "jö ran"         | example.org
            MAIL FROM:<用户@例子.广告> SMTPUTF8                      | 用户             | 例子.广告
            MAIL FROM:<δοκιμή@παράδειγμα.δοκιμή> smtputf8            | δοκιμή           | παράδειγμα.δοκιμή
            MAIL FROM:<\uD83D\uDE00@example.org> SMTPUTF8            | \uD83D\uDE00     | example.org
            MAIL FROM:<@bücher.example:jöran@example.org> SMTPUTF8  | jöran            | example.org
            """)
    void utf8SenderIsAcceptedWithSmtpUtf8(String line, String localPart, String host) {
        Command.Mail mail = (Command.Mail) Parse.command(line);

        assertThat(mail.parameters().smtpUtf8()).isTrue();
        assertThat(mail.from().mailbox().localPart()).isEqualTo(localPart);
        assertThat(mail.from().mailbox().host().text()).isEqualTo(host);
        assertThat(mail.from().mailbox().isAscii()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            RCPT TO:<jöran@example.org>           | jöran     | example.org
            RCPT TO:<用户@例子.广告>               | 用户      | 例子.广告
            RCPT TO:<"jö ran"@bücher.example>     | "jö ran"  | bücher.example
            """)
    void utf8RecipientIsAcceptedOnlyInAUtf8Transaction(String line, String localPart, String host) {
        ForwardPath to = Parse.recipient(line, true);

        assertThat(to.mailbox().localPart()).isEqualTo(localPart);
        assertThat(to.mailbox().host().text()).isEqualTo(host);
        assertThat(Parse.refusal(line, false)).isEqualTo("553 5.6.7");
    }

    @ParameterizedTest(name = "<{0}> utf8Recipients={1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            MAIL FROM:<jöran@example.org>                    | false | 553 5.6.7
            MAIL FROM:<jöran@example.org>                    | true  | 553 5.6.7
            MAIL FROM:<user@bücher.example>                  | false | 553 5.6.7
            MAIL FROM:<"jö ran"@example.org>                 | false | 553 5.6.7
            MAIL FROM:<jöran@example.org> SIZE=10            | false | 553 5.6.7
            MAIL FROM:<jöran@example.org> SMTPUTF8=YES       | false | 501 5.5.4
            MAIL FROM:<jö ran@example.org> SMTPUTF8          | false | 501 5.1.7
            MAIL FROM:<jöran@@example.org>                   | false | 501 5.1.7
            MAIL FROM:<jöran@bü_cher.example> SMTPUTF8       | false | 501 5.1.7
            MAIL FROM:<jöran@bü_cher.example>                | false | 501 5.1.7
            MAIL FROM:<user@example.org> ENVID=jö            | false | 501 5.5.4
            MAIL FROM:<@bücher.example:user@example.org>     | false | 553 5.6.7
            RCPT TO:<@bücher.example:user@example.org>       | false | 553 5.6.7
            RCPT TO:<user@bücher.example>                    | false | 553 5.6.7
            RCPT TO:<jöran@@example.org>                     | false | 501 5.1.3
            RCPT TO:<jöran@@example.org>                     | true  | 501 5.1.3
            RCPT TO:<jöran@example.org> SMTPUTF8             | true  | 555 5.5.4
            """)
    void utf8AddressesOutsideAUtf8TransactionAreRefused(String line, boolean utf8Recipients, String expected) {
        assertThat(Parse.refusal(line, utf8Recipients)).isEqualTo(expected);
    }

    /**
     * Characters that change how an address reads (C1 controls such as NEL, line and paragraph separators,
     * bidirectional formatting) are no letters of any name: refused with 553 even under SMTPUTF8, so they never
     * reach a log line, a Return-Path or a report.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            MAIL FROM:<a\\u0085X@ext.test> SMTPUTF8            | true  | 553 5.1.7
            MAIL FROM:<a\\u009bX@ext.test> SMTPUTF8            | true  | 553 5.1.7
            MAIL FROM:<ad\\u2028min@ext.test> SMTPUTF8         | true  | 553 5.1.7
            MAIL FROM:<"a\\u2029b"@ext.test> SMTPUTF8          | true  | 553 5.1.7
            MAIL FROM:<\\u202egnp.exe@ext.test> SMTPUTF8       | true  | 553 5.1.7
            MAIL FROM:<user\\u2066x\\u2069@ext.test> SMTPUTF8   | true  | 553 5.1.7
            MAIL FROM:<a\\u200fb@ext.test> SMTPUTF8            | true  | 553 5.1.7
            RCPT TO:<ali\\u202Ece@example.org>                 | true  | 553 5.1.3
            RCPT TO:<alice\\u0085@example.org>                 | true  | 553 5.1.3
            RCPT TO:<alice\\u0085@example.org>                 | false | 553 5.1.3
            """)
    void addressesWithCharactersThatChangeHowTheyReadAreRefused(String line, boolean utf8Recipients,
                                                                  String expected) {
        assertThat(Parse.refusal(unescape(line), utf8Recipients)).isEqualTo(expected);
    }

    @Test
    void theOriginalRecipientRefusesThemToo() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new OriginalRecipient("rfc822", "a\u202Eb@example.org"));
        assertThat(new OriginalRecipient("utf-8", "jöran@example.org").address()).isEqualTo("jöran@example.org");
    }

    /** {@code \\uXXXX} in a table cell as the character it names. */
    private static String unescape(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\\\u([0-9a-fA-F]{4})").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(
                    String.valueOf((char) Integer.parseInt(m.group(1), 16))));
        }
        return m.appendTail(out).toString();
    }

    @Test
    void smtpUtf8WithAnAsciiSenderMarksTheTransaction() {
        Command.Mail mail = (Command.Mail) Parse.command("MAIL FROM:<user@example.org> SMTPUTF8");

        assertThat(mail.parameters().smtpUtf8()).isTrue();
        assertThat(mail.from().mailbox().isAscii()).isTrue();
    }

    @Test
    void asciiRecipientNeedsNoUtf8Transaction() {
        assertThat(Parse.recipient("RCPT TO:<user@example.org>", false).mailbox().isAscii()).isTrue();
    }
}
