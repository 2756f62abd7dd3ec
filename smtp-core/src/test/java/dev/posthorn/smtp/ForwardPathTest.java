package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RCPT TO paths (RFC 5321 4.1.1.3, 4.5.1): codec tables of accepted and refused forward paths. */
class ForwardPathTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            RCPT TO:<user@example.org>                          | user            | example.org
            rcpt to:<user@example.org>                          | user            | example.org
            RCPT TO:<postmaster@example.org>                    | postmaster      | example.org
            RCPT TO:<"john doe"@example.org>                    | "john doe"      | example.org
            RCPT TO:<user%other@local.example>                  | user%other      | local.example
            RCPT TO:<"user@other"@local.example>                | "user@other"    | local.example
            RCPT TO:<@a.example,@b.example:user@c.example>      | user            | c.example
            RCPT TO:<user@[192.0.2.1]>                          | user            | [192.0.2.1]
            RCPT TO:<user@[IPv6:2001:db8::1]>                   | user            | [IPv6:2001:db8::1]
            RCPT TO: <user@example.org>                         | user            | example.org
            'RCPT TO:   <user@example.org>  '                   | user            | example.org
            RCPT TO:<user@example.org> NOTIFY=NEVER             | user            | example.org
            """)
    void acceptedForwardPaths(String line, String localPart, String host) {
        ForwardPath to = Parse.recipient(line, false);

        assertThat(to.isBarePostmaster()).isFalse();
        assertThat(to.mailbox().localPart()).isEqualTo(localPart);
        assertThat(to.mailbox().host().text()).isEqualTo(host);
        assertThat(to.toString()).isEqualTo("<" + localPart + "@" + host + ">");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RCPT TO:<Postmaster>", "RCPT TO:<postmaster>", "RCPT TO:<POSTMASTER>",
            "RCPT TO:<pOsTmAsTeR>", "RCPT TO: <Postmaster>", "RCPT TO:<Postmaster> NOTIFY=FAILURE"})
    void barePostmasterIsAcceptedInAnyCase(String line) {
        ForwardPath to = Parse.recipient(line, false);

        assertThat(to).isEqualTo(ForwardPath.POSTMASTER);
        assertThat(to.isBarePostmaster()).isTrue();
        assertThat(to.mailbox()).isNull();
        assertThat(to.toString()).isEqualTo("<Postmaster>");
    }

    @ParameterizedTest(name = "<{0}> -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            RCPT TO:<>                                          | 501 5.1.3
            RCPT TO:<> NOTIFY=NEVER                             | 501 5.1.3
            RCPT TO:<postmaster >                               | 501 5.1.3
            RCPT TO:<postmaster@>                               | 501 5.1.3
            RCPT TO:<user>                                      | 501 5.1.3
            RCPT TO:<user@other@local.example>                  | 501 5.1.3
            RCPT TO:<user@local.example@other.example>          | 501 5.1.3
            RCPT TO:<@other.example:user@local.example:x>       | 501 5.1.3
            RCPT TO:<@other.example:user>                       | 501 5.1.3
            RCPT TO:<user..x@example.org>                       | 501 5.1.3
            RCPT TO:<user@example..org>                         | 501 5.1.3
            RCPT TO:<user@[192.0.2.999]>                        | 501 5.1.3
            RCPT TO:<user@[IPv6:zz::1]>                         | 501 5.1.3
            RCPT TO:user@example.org                            | 501 5.5.4
            RCPT TO: user@example.org                           | 501 5.5.4
            RCPT TO:<postmaster                                 | 501 5.5.4
            RCPT TO:<user@example.org>NOTIFY=NEVER              | 501 5.5.4
            RCPT TO <user@example.org>                          | 501 5.5.4
            RCPT TO:                                            | 501 5.5.4
            """)
    void refusedForwardPaths(String line, String expected) {
        assertThat(Parse.refusal(line, false)).isEqualTo(expected);
        assertThat(Parse.refusal(line, true)).isEqualTo(expected);
    }
}
