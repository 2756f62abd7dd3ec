package dev.posthorn.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The command parser, without a socket (RFC 1939 3, RFC 2449 4). */
class CommandTest {

    private static Command parse(String line) {
        return Command.parse(line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keywordsAreCaseInsensitiveAndArgumentsParsed() {
        assertThat(parse("user Alice@Example.test")).isEqualTo(new Command.User("Alice@Example.test"));
        assertThat(parse("LiSt")).isEqualTo(new Command.Listing(OptionalInt.empty()));
        assertThat(parse("LIST 7")).isEqualTo(new Command.Listing(OptionalInt.of(7)));
        assertThat(parse("TOP 2 0")).isEqualTo(new Command.Top(2, 0));
        assertThat(parse("uidl 3")).isEqualTo(new Command.Uidl(OptionalInt.of(3)));
        assertThat(parse("STLS")).isEqualTo(new Command.Stls());
    }

    @Test
    void passTakesTheRestOfTheLineSpacesIncluded() {
        assertThat(parse("PASS  two  spaces ")).isEqualTo(new Command.Pass(" two  spaces "));
        assertThat(parse("PASS")).isInstanceOf(Command.Invalid.class);
        assertThat(parse("PASS secret").toString()).doesNotContain("secret");
    }

    @Test
    void badNumbersAndArgumentsAreInvalid() {
        for (String line : new String[] {"RETR", "RETR 0", "RETR -1", "RETR 1x", "RETR 1234567890", "DELE 1 2",
            "TOP 1", "TOP 1 -1", "STAT 1", "USER", "USER a b", "USER " + "a".repeat(41), "NOOP ", "LIST  1"}) {
            assertThat(parse(line)).as(line).isInstanceOf(Command.Invalid.class);
        }
    }

    @Test
    void controlCharactersAndUnknownKeywords() {
        assertThat(parse("USER a\u0000b")).isInstanceOf(Command.Invalid.class);
        assertThat(parse("USER a\rb")).isInstanceOf(Command.Invalid.class);
        assertThat(parse("APOP mrose c4c9334bac560ecc979e58001b3e22fb")).isEqualTo(new Command.Unknown());
        assertThat(parse("AUTH PLAIN")).isEqualTo(new Command.Unknown());
        assertThat(parse("")).isEqualTo(new Command.Unknown());
    }
}
