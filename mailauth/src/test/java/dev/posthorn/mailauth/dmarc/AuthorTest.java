package dev.posthorn.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The author domain from the From field (RFC 5322 3.6.2, RFC 7489 6.6.1). */
class AuthorTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            alice@example.com                                     | example.com
            Alice <alice@Example.COM>                             | example.com
            "Doe, John" <john@example.com>                        | example.com
            "a@b.test" <john@example.com>                         | example.com
            john@example.com (John <x@evil.test>)                 | example.com
            "john@evil.test"@example.com                          | example.com
            <@route.test:john@example.com>                        | example.com
            =?UTF-8?B?w4RnaXI=?= <x@example.com>                  | example.com
            a@example.com, b@example.com                          | example.com
            Team: a@example.com, b@example.com;                   | example.com
            x@b\u00fccher.example                                 | xn--bcher-kva.example
            john@example.com.                                     | example.com
            """)
    void oneDomainIsTheAuthor(String from, String domain) {
        assertThat(Author.of(List.of(from.translateEscapes()))).isEqualTo(new Author.Domain(domain));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            a@example.com, b@evil.test                      | more than one domain
            undisclosed-recipients:;                        | no address
            ``                                              | no address
            john                                            | no usable domain
            john@[192.0.2.1]                                | no usable domain
            john@localhost                                  | no usable domain
            <john@example.com                               | no address
            john@exa_mple.com                               | no usable domain
            john@-bad-.example                              | no usable domain
            """)
    void otherwiseItIsAmbiguous(String from, String reason) {
        assertThat(Author.of(List.of(from))).isInstanceOfSatisfying(Author.Ambiguous.class,
                a -> assertThat(a.reason()).contains(reason));
    }

    @Test
    void noneOrSeveralFromFieldsAreAmbiguous() {
        assertThat(Author.of(List.of())).isEqualTo(new Author.Ambiguous("no From field"));
        assertThat(Author.of(List.of("a@example.com", "a@example.com")))
                .isEqualTo(new Author.Ambiguous("more than one From field"));
        assertThat(Author.of(List.of("a".repeat(Author.MAX_FIELD) + "@example.com")))
                .isEqualTo(new Author.Ambiguous("From field too long"));
    }
}
