package dev.posthorn.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Organisational domains (RFC 7489 3.2) from the Public Suffix List, with the list's own algorithm. */
class PublicSuffixListTest {

    private static final PublicSuffixList BUNDLED = PublicSuffixList.bundled();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            example.com,              example.com
            mail.example.com,         example.com
            a.b.c.example.com,        example.com
            www.example.co.uk,        example.co.uk
            example.co.uk,            example.co.uk
            co.uk,                    co.uk
            com,                      com
            foo.github.io,            foo.github.io
            a.foo.github.io,          foo.github.io
            a.b.ck,                   a.b.ck
            x.a.b.ck,                 a.b.ck
            www.ck,                   www.ck
            a.www.ck,                 www.ck
            mail.example.notatld,     example.notatld
            shop.example.xn--p1ai,    example.xn--p1ai
            """)
    void theBundledListGivesTheRegistrableDomain(String domain, String organizational) {
        assertThat(BUNDLED.organizationalDomain(domain)).isEqualTo(organizational);
    }

    @Test
    void rulesWildcardsAndExceptionsFollowTheListsAlgorithm() throws IOException {
        PublicSuffixList list = read("""
                // a comment
                test
                *.wild.test
                !keep.wild.test
                b\u00fccher.test

                """);
        assertThat(list.organizationalDomain("a.b.test")).isEqualTo("b.test");
        assertThat(list.organizationalDomain("a.b.wild.test")).isEqualTo("a.b.wild.test");
        assertThat(list.organizationalDomain("x.keep.wild.test")).isEqualTo("keep.wild.test");
        assertThat(list.organizationalDomain("a.xn--bcher-kva.test")).isEqualTo("a.xn--bcher-kva.test");
        assertThat(list.organizationalDomain("a.b.other")).isEqualTo("b.other");
    }

    @Test
    void aFileWithoutRulesIsNoList() {
        assertThatThrownBy(() -> read("// nothing\n")).isInstanceOf(IOException.class);
    }

    private static PublicSuffixList read(String text) throws IOException {
        return PublicSuffixList.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
