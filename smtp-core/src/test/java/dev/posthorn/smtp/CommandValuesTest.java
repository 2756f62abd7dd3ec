package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** No command value can be made to carry CR, LF or another control character, however it is built. */
class CommandValuesTest {

    static Stream<Function<String, Command>> constructors() {
        return Stream.of(Command.Helo::new, Command.Ehlo::new, Command.Vrfy::new, Command.Expn::new, Command.Help::new,
                Command.Etrn::new, text -> new Command.Auth(text, null), text -> new Command.Auth("PLAIN", text));
    }

    @ParameterizedTest
    @MethodSource("constructors")
    void controlCharactersAreRefused(Function<String, Command> constructor) {
        for (String bad : new String[] {"a\r\nRSET", "a\rb", "a\nb", "a\0b", "a\u007fb"}) {
            assertThatThrownBy(() -> constructor.apply(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatNoException().isThrownBy(() -> constructor.apply("plain-text"));
    }
}
