package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The size limits of RFC 5321 4.5.3.1: local part 64, domain 255, label 63, path 256 octets. */
class PathLimitsTest {

    /** A domain of exactly {@code length} ASCII octets, in labels of at most 63. */
    static String domainOfLength(int length) {
        StringBuilder out = new StringBuilder();
        char label = 'a';
        while (out.length() < length) {
            int room = length - out.length();
            int size = Math.min(63, room);
            if (room > 63 && room - 63 == 1) {
                size = 61; // never leave room for only a dot
            }
            out.append(String.valueOf(label++).repeat(size));
            if (out.length() < length) {
                out.append('.');
            }
        }
        assertThat(out).hasSize(length);
        return out.toString();
    }

    @ParameterizedTest(name = "local part of {0} octets: {1}")
    @CsvSource({"1, ok", "63, ok", "64, ok", "65, 501 5.1.7", "100, 501 5.1.7"})
    void localPartIsLimitedTo64OctetsInMail(int length, String expected) {
        String line = "MAIL FROM:<" + "l".repeat(length) + "@example.org>";

        assertThat(outcome(line)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "local part of {0} octets: {1}")
    @CsvSource({"64, ok", "65, 501 5.1.3"})
    void localPartIsLimitedTo64OctetsInRcpt(int length, String expected) {
        assertThat(outcome("RCPT TO:<" + "l".repeat(length) + "@example.org>")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "quoted local part of {0} octets with quotes: {1}")
    @CsvSource({"64, ok", "65, 501 5.1.7"})
    void quotedLocalPartCountsItsQuotes(int length, String expected) {
        String local = "\"" + "q ".repeat(length).substring(0, length - 2) + "\"";

        assertThat(local).hasSize(length);
        assertThat(outcome("MAIL FROM:<" + local + "@example.org>")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} times é: {1}")
    @CsvSource({"32, ok", "33, 501 5.1.7"})
    void localPartLimitCountsUtf8OctetsNotCharacters(int count, String expected) {
        String local = "é".repeat(count);

        assertThat(outcome("MAIL FROM:<" + local + "@example.org> SMTPUTF8")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "label of {0} octets: {1}")
    @CsvSource({"63, ok", "64, 501 5.1.7"})
    void domainLabelIsLimitedTo63Octets(int length, String expected) {
        assertThat(outcome("MAIL FROM:<user@" + "d".repeat(length) + ".example>")).isEqualTo(expected);
        assertThat(outcome("MAIL FROM:<user@example." + "d".repeat(length) + ">")).isEqualTo(expected);
    }

    @Test
    void domainIsLimitedTo255Octets() {
        String d255 = domainOfLength(255);
        String d256 = domainOfLength(256);

        assertThat(new Domain(d255).text()).isEqualTo(d255);
        assertThat(Mailbox.parse("user@" + d255, false).host().text()).isEqualTo(d255);
        assertThat(Domain.isValid(d256)).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> new Domain(d256));
        assertThatIllegalArgumentException().isThrownBy(() -> Mailbox.parse("user@" + d256, false));
    }

    @Test
    void utf8DomainLengthIsCountedInOctets() {
        String label = "ü".repeat(31) + "a"; // 63 octets, 32 characters
        assertThat(Domain.isValid(label)).isTrue();
        assertThat(Domain.isValid(label + "ü")).isFalse();

        String four = String.join(".", label, label, label, label); // 255 octets
        assertThat(four.getBytes(StandardCharsets.UTF_8)).hasSize(255);
        assertThat(Domain.isValid(four)).isTrue();
        assertThat(Domain.isValid(four + ".a")).isFalse();
    }

    @ParameterizedTest(name = "path of {0} octets: {1}")
    @CsvSource({"255, ok", "256, ok", "257, 501 5.1.7", "300, 501 5.1.7"})
    void pathIsLimitedTo256OctetsIncludingAngleBrackets(int length, String expected) {
        String local = "l".repeat(64);
        String path = "<" + local + "@" + domainOfLength(length - 67) + ">";
        assertThat(path).hasSize(length);

        assertThat(outcome("MAIL FROM:" + path)).isEqualTo(expected);
        assertThat(outcome("RCPT TO:" + path)).isEqualTo(expected.replace("5.1.7", "5.1.3"));
    }

    @Test
    void pathLimitCountsUtf8Octets() {
        String label = "ü".repeat(31) + "a";
        String domain252 = String.join(".", "ü".repeat(31), "ü".repeat(31), "ü".repeat(31), label);
        String domain253 = String.join(".", label, "ü".repeat(31), "ü".repeat(31), label);

        assertThat(("<u@" + domain252 + ">").getBytes(StandardCharsets.UTF_8)).hasSize(256);
        assertThat(outcome("MAIL FROM:<u@" + domain252 + "> SMTPUTF8")).isEqualTo("ok");
        assertThat(outcome("MAIL FROM:<u@" + domain253 + "> SMTPUTF8")).isEqualTo("501 5.1.7");
    }

    @Test
    void pathLimitIncludesTheIgnoredSourceRoute() {
        String route = "@" + domainOfLength(200) + ",@" + domainOfLength(40);
        String mailbox = "user@example.org";

        assertThat(outcome("MAIL FROM:<@r.example:" + mailbox + ">")).isEqualTo("ok");
        assertThat(outcome("MAIL FROM:<" + route + ":" + mailbox + ">")).isEqualTo("501 5.1.7");
    }

    @Test
    void mailboxConstructorEnforcesTheLocalPartLimit() {
        Domain domain = new Domain("example.org");

        assertThat(new Mailbox("l".repeat(64), domain).localPart()).hasSize(64);
        assertThatIllegalArgumentException().isThrownBy(() -> new Mailbox("l".repeat(65), domain));
    }

    private static String outcome(String line) {
        try {
            CommandParser.parse(line.getBytes(StandardCharsets.UTF_8), false);
            return "ok";
        } catch (CommandSyntaxException e) {
            return Parse.codeAndStatus(e.reply());
        }
    }
}
