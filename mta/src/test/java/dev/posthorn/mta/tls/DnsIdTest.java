package dev.posthorn.mta.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The DNS-ID rule of RFC 7817 3 / RFC 6125 6.4.3, also RFC 8461 4.1's rule for mx patterns. */
class DnsIdTest {

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "mail.example.com,     mail.example.com,      true",
            "MAIL.Example.COM,     mail.example.com,      true",
            "mail.example.com.,    mail.example.com,      true",
            "mail.example.com,     mx.example.com,        false",
            "*.example.com,        mail.example.com,      true",
            "*.example.com,        MAIL.EXAMPLE.COM,      true",
            "*.example.com,        example.com,           false",
            "*.example.com,        a.b.example.com,       false",
            "*.example.com,        .example.com,          false",
            "*.com,                example.com,           false",
            "*,                    example,               false",
            "m*.example.com,       mail.example.com,      false",
            "mail.*.com,           mail.example.com,      false",
            "*.*.example.com,      a.b.example.com,       false",
            "'',                   mail.example.com,      false",
            "mail.example.com,     '',                    false",
    })
    void wildcardCoversExactlyOneLeftMostLabel(String presented, String host, boolean matches) {
        assertThat(DnsId.matches(presented, host)).isEqualTo(matches);
    }

    static Stream<Long> seeds() {
        return IntStream.range(0, 20).mapToObj(i -> 0x5EED_0000L + i);
    }

    /** For random host names: the name matches itself, its one-label wildcard matches it, deeper names do not. */
    @ParameterizedTest
    @MethodSource("seeds")
    void randomNamesFollowTheRule(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String parent = label(random) + "." + label(random) + "." + label(random);
        String host = label(random) + "." + parent;
        assertThat(DnsId.matches(host, host)).isTrue();
        assertThat(DnsId.matches("*." + parent, host)).isTrue();
        assertThat(DnsId.matches("*." + parent, parent)).isFalse();
        assertThat(DnsId.matches("*." + parent, label(random) + "." + host)).isFalse();
        assertThat(DnsId.matches("*." + host, host)).isFalse();
    }

    private static String label(SplittableRandom random) {
        String letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder label = new StringBuilder();
        label.append(letters.charAt(random.nextInt(26)));
        for (int i = random.nextInt(0, 10); i > 0; i--) {
            label.append(letters.charAt(random.nextInt(letters.length())));
        }
        return label.toString();
    }
}
