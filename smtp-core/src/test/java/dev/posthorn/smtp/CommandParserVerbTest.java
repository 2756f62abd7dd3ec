package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The verbs of {@link CommandParser}: one codec table of accepted lines, one of refused lines. */
class CommandParserVerbTest {

    private static final Mailbox SENDER = new Mailbox("sender", new Domain("example.org"));

    static Stream<Arguments> acceptedLines() {
        return Stream.of(
                arguments("HELO client.example", new Command.Helo("client.example")),
                arguments("HELO [192.0.2.1]", new Command.Helo("[192.0.2.1]")),
                arguments("EHLO client.example", new Command.Ehlo("client.example")),
                arguments("EHLO  client.example ", new Command.Ehlo("client.example")),
                arguments("MAIL FROM:<sender@example.org>", new Command.Mail(ReversePath.of(SENDER), MailParameters.NONE)),
                arguments("MAIL FROM:<>", new Command.Mail(ReversePath.NULL, MailParameters.NONE)),
                arguments("RCPT TO:<sender@example.org>", new Command.Rcpt(ForwardPath.of(SENDER), RcptParameters.NONE)),
                arguments("DATA", new Command.Data()),
                arguments("DATA ", new Command.Data()),
                arguments("BDAT 0 LAST", new Command.Bdat(0, true)),
                arguments("BDAT 1000", new Command.Bdat(1000, false)),
                arguments("BDAT 1000  LAST", new Command.Bdat(1000, true)),
                arguments("BDAT 999999999999999999", new Command.Bdat(999_999_999_999_999_999L, false)),
                arguments("RSET", new Command.Rset()),
                arguments("NOOP", new Command.Noop()),
                arguments("NOOP whatever the client says", new Command.Noop()),
                arguments("QUIT", new Command.Quit()),
                arguments("VRFY postmaster", new Command.Vrfy("postmaster")),
                arguments("VRFY <john doe@example.org>", new Command.Vrfy("<john doe@example.org>")),
                arguments("EXPN staff", new Command.Expn("staff")),
                arguments("HELP", new Command.Help(null)),
                arguments("HELP MAIL", new Command.Help("MAIL")),
                arguments("STARTTLS", new Command.StartTls()),
                arguments("AUTH PLAIN", new Command.Auth("PLAIN", null)),
                arguments("AUTH PLAIN AGpvZQBzZWNyZXQ=", new Command.Auth("PLAIN", "AGpvZQBzZWNyZXQ=")),
                arguments("AUTH LOGIN =", new Command.Auth("LOGIN", "=")),
                arguments("AUTH scram-sha-256", new Command.Auth("SCRAM-SHA-256", null)),
                arguments("AUTH X_MECH_2", new Command.Auth("X_MECH_2", null)),
                arguments("ETRN example.org", new Command.Etrn("example.org")),
                arguments("ETRN @example.org", new Command.Etrn("@example.org")),
                arguments("ETRN #queue.1", new Command.Etrn("#queue.1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedLines")
    void everyVerbParsesToItsCommand(String line, Command expected) {
        Command command = Parse.command(line);

        assertThat(command).isEqualTo(expected);
        assertThat(command.verb()).isEqualTo(line.split(" ")[0]);
    }

    /** Lines whose verbs, keywords and keyword-like values are upper case; arguments are lower case. */
    static Stream<String> canonicalLines() {
        return Stream.of("HELO client.example", "EHLO client.example",
                "MAIL FROM:<sender@example.org> BODY=8BITMIME SMTPUTF8 RET=HDRS SIZE=10",
                "MAIL FROM:<>", "RCPT TO:<rcpt@example.org> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;rcpt@example.org",
                "RCPT TO:<POSTMASTER>", "DATA", "BDAT 10 LAST", "RSET", "NOOP", "QUIT", "VRFY user", "EXPN list",
                "HELP", "STARTTLS", "AUTH PLAIN", "AUTH CRAM-MD5", "ETRN example.org");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("canonicalLines")
    void verbsKeywordsAndKeywordValuesAreCaseInsensitive(String line) {
        Command canonical = Parse.command(line);
        StringBuilder mixed = new StringBuilder(line);
        for (int i = 0; i < mixed.length(); i += 2) {
            mixed.setCharAt(i, Character.toLowerCase(mixed.charAt(i)));
        }

        assertThat(Parse.command(line.toLowerCase(Locale.ROOT))).isEqualTo(canonical);
        assertThat(Parse.command(mixed.toString())).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "<{0}> -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                   | 500 5.5.2
            FOO                                  | 500 5.5.2
            MAILFROM:<sender@example.org>        | 500 5.5.2
            ' HELO client.example'               | 500 5.5.2
            SEND FROM:<sender@example.org>       | 500 5.5.2
            HELO                                 | 501 5.5.4
            EHLO                                 | 501 5.5.4
            'EHLO   '                            | 501 5.5.4
            EHLO client.example extra            | 501 5.5.4
            MAIL                                 | 501 5.5.4
            MAIL TO:<sender@example.org>         | 501 5.5.4
            MAIL FROM <sender@example.org>       | 501 5.5.4
            RCPT                                 | 501 5.5.4
            RCPT FROM:<sender@example.org>       | 501 5.5.4
            DATA now                             | 501 5.5.4
            RSET all                             | 501 5.5.4
            QUIT now                             | 501 5.5.4
            STARTTLS please                      | 501 5.5.4
            VRFY                                 | 501 5.5.4
            'VRFY  '                             | 501 5.5.4
            EXPN                                 | 501 5.5.4
            BDAT                                 | 501 5.5.4
            BDAT x                               | 501 5.5.4
            BDAT -1                              | 501 5.5.4
            BDAT +1                              | 501 5.5.4
            BDAT 1.5                             | 501 5.5.4
            BDAT 10 FIRST                        | 501 5.5.4
            BDAT 10 LAST more                    | 501 5.5.4
            BDAT 9999999999999999999             | 501 5.5.4
            AUTH                                 | 501 5.5.4
            AUTH PL@IN                           | 501 5.5.4
            AUTH ABCDEFGHIJKLMNOPQRSTU           | 501 5.5.4
            AUTH PLAIN abc def                   | 501 5.5.4
            AUTH PLAIN a!b                       | 501 5.5.2
            AUTH PLAIN ab-c                      | 501 5.5.2
            ETRN                                 | 501 5.5.4
            ETRN #                               | 501 5.5.4
            ETRN @                               | 501 5.5.4
            ETRN -bad.example                    | 501 5.5.4
            ETRN bad..example                    | 501 5.5.4
            ETRN #que ue                         | 501 5.5.4
            """)
    void malformedCommandsAreRefusedWithTheirReply(String line, String expected) {
        assertThat(Parse.refusal(line)).isEqualTo(expected);
    }

    @Test
    void authMechanismOfTwentyCharactersIsAcceptedAndTwentyOneRefused() {
        assertThat(Parse.command("AUTH " + "A".repeat(20))).isEqualTo(new Command.Auth("A".repeat(20), null));
        assertThat(Parse.refusal("AUTH " + "A".repeat(21))).isEqualTo("501 5.5.4");
    }

    @Test
    void authCommandNeverShowsTheInitialResponseInItsString() {
        Command auth = Parse.command("AUTH PLAIN AGpvZQBzZWNyZXQ=");

        assertThat(auth.toString()).doesNotContain("AGpvZQBzZWNyZXQ=").contains("PLAIN");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"NOOP \u0000", "HELO client\u0001.example", "HELO\tclient.example",
            "EHLO client.example\r", "EHLO client.example\n", "VRFY user\u007f", "MAIL FROM:<a@b.example>\u001b[0m",
            "\u0000"})
    void controlCharactersAnywhereInTheLineAreRefusedAsSyntaxErrors(String line) {
        assertThat(Parse.refusal(line)).isEqualTo("501 5.5.4");
    }

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                arguments("lone continuation byte", new byte[] {(byte) 0x80}),
                arguments("truncated two-byte sequence", new byte[] {(byte) 0xC3}),
                arguments("truncated three-byte sequence", new byte[] {(byte) 0xE2, (byte) 0x82}),
                arguments("bad continuation", new byte[] {(byte) 0xC3, 0x28}),
                arguments("overlong slash", new byte[] {(byte) 0xC0, (byte) 0xAF}),
                arguments("overlong NUL", new byte[] {(byte) 0xC0, (byte) 0x80}),
                arguments("encoded surrogate", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                arguments("beyond U+10FFFF", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}),
                arguments("Latin-1 byte", new byte[] {(byte) 0xE9}),
                arguments("0xFF", new byte[] {(byte) 0xFF}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8IsRefusedAsUnrecognisedCommand(String name, byte[] bad) {
        for (String prefix : new String[] {"NOOP ", "MAIL FROM:<us", "RCPT TO:<user@ex", "HELO "}) {
            byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
            byte[] line = new byte[head.length + bad.length + 1];
            System.arraycopy(head, 0, line, 0, head.length);
            System.arraycopy(bad, 0, line, head.length, bad.length);
            line[line.length - 1] = '>';

            assertThat(Parse.refusal(line, true)).as(prefix + name).isEqualTo("500 5.5.2");
        }
    }

    /** Java's Unicode case mapping folds U+0131 to I and U+017F to S; SMTP verbs and keywords are ASCII only. */
    @ParameterizedTest(name = "<{0}> -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            MA\u0131L FROM:<sender@example.org>                  | 500 5.5.2
            R\u017fET                                            | 500 5.5.2
            \u017fTARTTL\u017f                                   | 500 5.5.2
            BDAT 10 LA\u017fT                                    | 501 5.5.4
            AUTH PLA\u0131N                                      | 501 5.5.4
            MAIL FROM:<sender@example.org> \u017fIZE=10          | 501 5.5.4
            MAIL FROM:<sender@example.org> BODY=8B\u0131TMIME     | 501 5.5.4
            MAIL FROM:<sender@example.org> RET=HDR\u017f          | 501 5.5.4
            RCPT TO:<rcpt@example.org> NOTIFY=\u017fUCCESS        | 501 5.5.4
            RCPT TO:<Po\u017ftmaster>                            | 501 5.1.3
            MAIL FROM:<sender@[\u0131Pv6:2001:db8::1]> SMTPUTF8   | 501 5.1.7
            MAIL FROM:\u2003<sender@example.org>                 | 501 5.5.4
            RCPT TO:\u3000<rcpt@example.org>                     | 501 5.5.4
            """)
    void nonAsciiLookalikesOfVerbsAndKeywordsAreRefused(String line, String expected) {
        assertThat(Parse.refusal(line, true)).isEqualTo(expected);
    }
}
