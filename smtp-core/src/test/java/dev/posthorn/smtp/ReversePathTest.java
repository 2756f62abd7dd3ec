package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MAIL FROM paths (RFC 5321 4.1.1.2, 4.1.2): codec tables of accepted and refused reverse paths. */
class ReversePathTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            MAIL FROM:<user@example.org>                         | user                | example.org
            MAIL FROM:<first.last@sub.example.org>               | first.last          | sub.example.org
            Mail From:<User@Example.ORG>                         | User                | Example.ORG
            MAIL FROM:<user+tag@example.org>                     | user+tag            | example.org
            MAIL FROM:<user%other@example.org>                   | user%other          | example.org
            MAIL FROM:<user!other@example.org>                   | user!other          | example.org
            'MAIL FROM:<#!$%&*+-/=?^_`{|}~@example.org>'         | '#!$%&*+-/=?^_`{|}~' | example.org
            MAIL FROM:<"john doe"@example.org>                   | "john doe"          | example.org
            MAIL FROM:<"john\\"doe"@example.org>                 | "john\\"doe"        | example.org
            MAIL FROM:<"back\\\\slash"@example.org>              | "back\\\\slash"     | example.org
            MAIL FROM:<"a>b"@example.org>                        | "a>b"               | example.org
            MAIL FROM:<"user@other"@example.org>                 | "user@other"        | example.org
            MAIL FROM:<"a..b."@example.org>                      | "a..b."             | example.org
            MAIL FROM:<""@example.org>                           | ""                  | example.org
            MAIL FROM:<user@[192.0.2.1]>                         | user                | [192.0.2.1]
            MAIL FROM:<user@[IPv6:2001:db8::1]>                  | user                | [IPv6:2001:db8::1]
            MAIL FROM:<user@[ipv6:2001:DB8::1]>                  | user                | [ipv6:2001:DB8::1]
            MAIL FROM:<user@[IPv6:::ffff:192.0.2.1]>             | user                | [IPv6:::ffff:192.0.2.1]
            MAIL FROM:<user@1.2.3.4>                             | user                | 1.2.3.4
            MAIL FROM:<user@xn--bcher-kva.example>               | user                | xn--bcher-kva.example
            MAIL FROM:<user@a-b--c.example>                      | user                | a-b--c.example
            MAIL FROM:<user@localhost>                           | user                | localhost
            MAIL FROM:<@a.example,@b.example:user@c.example>     | user                | c.example
            MAIL FROM:<@a.example:user@c.example>                | user                | c.example
            MAIL FROM:<@a.example:"x y"@c.example>               | "x y"               | c.example
            MAIL FROM: <user@example.org>                        | user                | example.org
            'MAIL FROM:     <user@example.org>'                  | user                | example.org
            MAIL FROM:<user@example.org> SIZE=1                  | user                | example.org
            """)
    void acceptedReversePaths(String line, String localPart, String host) {
        Mailbox sender = Parse.sender(line);

        assertThat(sender.localPart()).isEqualTo(localPart);
        assertThat(sender.host().text()).isEqualTo(host);
        assertThat(((Command.Mail) Parse.command(line)).from().toString()).isEqualTo("<" + localPart + "@" + host + ">");
    }

    @Test
    void quotedLocalPartIsKeptAsWrittenAndCanBeUnquoted() {
        Mailbox mailbox = Parse.sender("MAIL FROM:<\"john\\\"q doe\"@example.org>");

        assertThat(mailbox.isQuoted()).isTrue();
        assertThat(mailbox.localPart()).isEqualTo("\"john\\\"q doe\"");
        assertThat(mailbox.unquotedLocalPart()).isEqualTo("john\"q doe");
    }

    @Test
    void addressLiteralHostsResolveToTheirAddressWithoutDomain() {
        Mailbox v4 = Parse.sender("MAIL FROM:<user@[192.0.2.1]>");
        Mailbox v6 = Parse.sender("MAIL FROM:<user@[IPv6:2001:db8::1]>");

        assertThat(v4.host()).isInstanceOf(AddressLiteral.class);
        assertThat(((AddressLiteral) v4.host()).address().getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(((AddressLiteral) v6.host()).address().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(v4.domain()).isNull();
    }

    @Test
    void nullReversePathIsAccepted() {
        Command.Mail mail = (Command.Mail) Parse.command("MAIL FROM:<> SIZE=100");

        assertThat(mail.from()).isEqualTo(ReversePath.NULL);
        assertThat(mail.from().isNull()).isTrue();
        assertThat(mail.from().asMailbox()).isEmpty();
        assertThat(mail.from().toString()).isEqualTo("<>");
        assertThat(mail.parameters().size()).hasValue(100);
    }

    @ParameterizedTest(name = "<{0}> -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            MAIL FROM:user@example.org                           | 501 5.5.4
            MAIL FROM: user@example.org                          | 501 5.5.4
            MAIL FROM:user@example.org>                          | 501 5.5.4
            MAIL FROM:<user@example.org                          | 501 5.5.4
            MAIL FROM:<"user@example.org>                        | 501 5.5.4
            MAIL FROM:<user@example.org>SIZE=10                  | 501 5.5.4
            MAIL FROM:<<user@example.org>>                       | 501 5.5.4
            MAIL FROM:                                           | 501 5.5.4
            MAIL FROM:<user>                                     | 501 5.1.7
            MAIL FROM:<user@>                                    | 501 5.1.7
            MAIL FROM:<@example.org>                             | 501 5.1.7
            MAIL FROM:<user@other@local.example>                 | 501 5.1.7
            MAIL FROM:<user@other.example@local.example>         | 501 5.1.7
            MAIL FROM:<user@local.example,other.example>         | 501 5.1.7
            MAIL FROM:<user name@example.org>                    | 501 5.1.7
            MAIL FROM:<user..name@example.org>                   | 501 5.1.7
            MAIL FROM:<.user@example.org>                        | 501 5.1.7
            MAIL FROM:<user.@example.org>                        | 501 5.1.7
            MAIL FROM:<"a"b@example.org>                         | 501 5.1.7
            MAIL FROM:<a"b"@example.org>                         | 501 5.1.7
            MAIL FROM:<(comment)user@example.org>                | 501 5.1.7
            MAIL FROM:<user@example.org (comment)>               | 501 5.1.7
            MAIL FROM:<user@-bad.example>                        | 501 5.1.7
            MAIL FROM:<user@bad-.example>                        | 501 5.1.7
            MAIL FROM:<user@exa_mple.org>                        | 501 5.1.7
            MAIL FROM:<user@example..org>                        | 501 5.1.7
            MAIL FROM:<user@example.org.>                        | 501 5.1.7
            MAIL FROM:<user@.example.org>                        | 501 5.1.7
            MAIL FROM:<user@[192.0.2.256]>                       | 501 5.1.7
            MAIL FROM:<user@[192.0.2]>                           | 501 5.1.7
            MAIL FROM:<user@[192.0.2.1.5]>                       | 501 5.1.7
            MAIL FROM:<user@[192.0..1]>                          | 501 5.1.7
            MAIL FROM:<user@[1234.0.2.1]>                        | 501 5.1.7
            MAIL FROM:<user@[example.org]>                       | 501 5.1.7
            MAIL FROM:<user@[]>                                  | 501 5.1.7
            MAIL FROM:<user@[192.0.2.1>                          | 501 5.1.7
            MAIL FROM:<user@192.0.2.1]>                          | 501 5.1.7
            MAIL FROM:<user@[IPv6:]>                             | 501 5.1.7
            MAIL FROM:<user@[IPv6:2001:db8::g]>                  | 501 5.1.7
            MAIL FROM:<user@[IPv6:1:2:3:4:5:6:7:8:9]>            | 501 5.1.7
            MAIL FROM:<user@[IPv6:2001:db8:::1]>                 | 501 5.1.7
            MAIL FROM:<user@[IPv6:192.0.2.1]>                    | 501 5.1.7
            MAIL FROM:<user@[IPv6:12]>                           | 501 5.1.7
            MAIL FROM:<user@[IPv6:beef]>                         | 501 5.1.7
            MAIL FROM:<user@[IPv6:.:1]>                          | 501 5.1.7
            MAIL FROM:<user@[tag:content]>                       | 501 5.1.7
            MAIL FROM:<@a.example user@c.example>                | 501 5.1.7
            MAIL FROM:<@a.example,b.example:user@c.example>      | 501 5.1.7
            MAIL FROM:<@:user@c.example>                         | 501 5.1.7
            MAIL FROM:<@a_b.example:user@c.example>              | 501 5.1.7
            MAIL FROM:<@a.example,:user@c.example>               | 501 5.1.7
            MAIL FROM:<@a.example:>                              | 501 5.1.7
            MAIL FROM:<@a.example:@b.example>                    | 501 5.1.7
            """)
    void refusedReversePaths(String line, String expected) {
        assertThat(Parse.refusal(line)).isEqualTo(expected);
    }
}
