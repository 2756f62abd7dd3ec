package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The host values: {@link AddressLiteral} (RFC 5321 4.1.3), {@link Domain} and {@link Mailbox}. */
class HostTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "[192.0.2.1],                      192.0.2.1",
            "[0.0.0.0],                        0.0.0.0",
            "[255.255.255.255],                255.255.255.255",
            "[001.002.003.004],                1.2.3.4",
            "[IPv6:2001:db8::1],               2001:db8:0:0:0:0:0:1",
            "[ipv6:2001:DB8::1],               2001:db8:0:0:0:0:0:1",
            "[IPv6:::1],                       0:0:0:0:0:0:0:1",
            "[IPv6:2001:db8:0:0:0:0:2:1],      2001:db8:0:0:0:0:2:1",
            "[IPv6:2001:db8::192.0.2.1],       2001:db8:0:0:0:0:c000:201",
            "[IPv6:::ffff:192.0.2.1],          192.0.2.1"})
    void addressLiteralNamesItsAddress(String text, String address) {
        AddressLiteral literal = AddressLiteral.parse(text);

        assertThat(literal.text()).isEqualTo(text);
        assertThat(literal.toString()).isEqualTo(text);
        assertThat(literal.address().getHostAddress()).isEqualTo(address);
        assertThat(literal.isAscii()).isTrue();
    }

    @Test
    void addressLiteralKindsMatchTheirTag() {
        assertThat(AddressLiteral.parse("[192.0.2.1]").address()).isInstanceOf(Inet4Address.class);
        assertThat(AddressLiteral.parse("[IPv6:2001:db8::1]").address()).isInstanceOf(Inet6Address.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "[", "[]", "192.0.2.1", "[192.0.2.1", "192.0.2.1]", "[ 192.0.2.1]", "[192.0.2.1 ]",
            "[256.0.0.1]", "[1.2.3]", "[1.2.3.4.5]", "[1..3.4]", "[1.2.3.]", "[-1.2.3.4]", "[+1.2.3.4]", "[0x1.2.3.4]",
            "[1234.1.1.1]", "[a.b.c.d]", "[localhost]", "[IPv6:]", "[IPv6]", "[IPv6:2001:db8::g]", "[IPv6:fe80::1%eth0]",
            "[IPv6:1:2:3:4:5:6:7:8:9]", "[IPv6:2001:db8:::1]", "[IPv6:192.0.2.1]", "[IPv6:12]", "[IPv6:1]",
            "[IPv6:beef]", "[IPv6:.:1]", "[IPv6:.1.2.3]", "[IPv4:192.0.2.1]", "[tag:content]", "[\u0131Pv6:::1]",
            "[\u0661.2.3.4]"})
    void malformedOrUnusableAddressLiteralsAreRefused(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> AddressLiteral.parse(text));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"example.org", "a", "a.b", "EXAMPLE.ORG", "xn--bcher-kva.example", "a-b.c-d", "1.2.3.4",
            "123.example", "bücher.example", "例子.广告"})
    void validDomains(String text) {
        assertThat(Domain.isValid(text)).isTrue();
        assertThat(new Domain(text).text()).isEqualTo(text);
    }

    @ParameterizedTest(name = "<{0}>")
    @ValueSource(strings = {"", ".", "example.org.", ".example.org", "example..org", "-example.org", "example-.org",
            "exa_mple.org", "exa mple.org", "example.org:25", "user@example.org", "[192.0.2.1]", "exa!mple.org",
            "b\u00fccher\u3002example", "a\u0000b"})
    void invalidDomains(String text) {
        assertThat(Domain.isValid(text)).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> new Domain(text));
    }

    @Test
    void domainsCompareIgnoringAsciiCase() {
        Domain lower = new Domain("example.org");
        Domain upper = new Domain("EXAMPLE.Org");

        assertThat(upper).isEqualTo(lower).hasSameHashCodeAs(lower);
        assertThat(upper.canonical()).isEqualTo("example.org");
        assertThat(upper.toString()).isEqualTo("EXAMPLE.Org");
        assertThat(new Domain("example.net")).isNotEqualTo(lower);
    }

    @Test
    void mailboxKeepsTheLocalPartCaseAndLowerCasesTheHostForComparison() {
        Mailbox mailbox = Mailbox.parse("John.Doe@Example.ORG", false);

        assertThat(mailbox.localPart()).isEqualTo("John.Doe");
        assertThat(mailbox.canonical()).isEqualTo("John.Doe@example.org");
        assertThat(mailbox.toString()).isEqualTo("John.Doe@Example.ORG");
        assertThat(mailbox.domain()).isEqualTo(new Domain("example.org"));
        assertThat(mailbox.isQuoted()).isFalse();
        assertThat(mailbox.unquotedLocalPart()).isEqualTo("John.Doe");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "john doe"@example.org        | john doe
            "a\\\\b"@example.org          | a\\b
            "say \\"hi\\""@example.org    | say "hi"
            ""@example.org                | ''
            """)
    void quotedLocalPartsUnquote(String text, String unquoted) {
        Mailbox mailbox = Mailbox.parse(text, false);

        assertThat(mailbox.isQuoted()).isTrue();
        assertThat(mailbox.unquotedLocalPart()).isEqualTo(unquoted);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "@example.org", "user@", "user", "a b@example.org", "\"unclosed@example.org",
            "\"a\"\"b\"@example.org", "\"tab\there\"@example.org", "\"esc\\\u0001\"@example.org",
            "user@example.org@other", "jöran@example.org"})
    void malformedMailboxesAreRefused(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Mailbox.parse(text, false));
    }

    @Test
    void mailboxConstructorRefusesAnInvalidLocalPart() {
        Domain domain = new Domain("example.org");

        assertThatIllegalArgumentException().isThrownBy(() -> new Mailbox("a..b", domain));
        assertThatIllegalArgumentException().isThrownBy(() -> new Mailbox("a\r\nb", domain));
        assertThatIllegalArgumentException().isThrownBy(() -> new Mailbox("", domain));
        assertThatIllegalArgumentException().isThrownBy(() -> new Mailbox(null, domain));
    }
}
