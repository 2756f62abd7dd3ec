package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The xtext encoding of RFC 3461 4. */
class XtextTest {

    @ParameterizedTest(name = "<{0}> <-> <{1}>")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                   | ""
            abc                  | abc
            a+b                  | a+2Bb
            a=b                  | a+3Db
            " "                  | +20
            "<>"                 | <>
            "!~"                 | !~
            é                    | +C3+A9
            €                    | +E2+82+AC
            \uD83D\uDE00         | +F0+9F+98+80
            "a;b,c"              | a;b,c
            """)
    void encodeAndDecodeTable(String text, String xtext) {
        assertThat(Xtext.encode(text)).isEqualTo(xtext);
        assertThat(Xtext.decode(xtext)).isEqualTo(text);
    }

    @ParameterizedTest(name = "<{0}> -> <{1}>")
    @CsvSource(delimiter = '|', textBlock = """
            +41+42          | AB
            +22x+22         | "x"
            +7E             | ~
            """)
    void optionalEscapesDecodeButEncodingEmitsThePlainCharacter(String xtext, String text) {
        assertThat(Xtext.decode(xtext)).isEqualTo(text);
        assertThat(Xtext.encode(text)).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\r", "\n", "\u0000", "\u007f", "\t"})
    void controlCharactersAreAlwaysEscaped(String text) {
        assertThat(Xtext.encode(text)).matches("\\+[0-9A-F]{2}");
    }

    @ParameterizedTest(name = "<{0}>")
    @ValueSource(strings = {"+", "+4", "a+", "a+4", "+4g", "+4a", "+g4", "+ 41", "a b", "a=b", "é", "\t", "\u007f"})
    void malformedXtextIsRefused(String xtext) {
        assertThatIllegalArgumentException().isThrownBy(() -> Xtext.decode(xtext));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 3461, 4954, 8080, 123456789, -1})
    void randomTextRoundTripsAndEncodesToXtextGrammar(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 500; i++) {
            String text = randomText(random, random.nextInt(80), true);
            String xtext = Xtext.encode(text);

            assertThat(xtext).as(text).matches("([!-*,-<>-~]|\\+[0-9A-F]{2})*");
            assertThat(Xtext.decode(xtext)).isEqualTo(text);
        }
    }

    /** Random text of valid code points: mostly printable ASCII, with xtext specials, controls and non-ASCII. */
    static String randomText(Random random, int length, boolean controls) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(10);
            if (pick < 6) {
                out.append((char) (33 + random.nextInt(94)));
            } else if (pick == 6) {
                out.append("+= ".charAt(random.nextInt(3)));
            } else if (pick == 7) {
                out.append(controls ? (char) random.nextInt(32) : '.');
            } else if (pick == 8) {
                char c;
                do {
                    c = (char) (0xA0 + random.nextInt(0xD7FF - 0xA0));
                } while (!controls && Ascii.invisible(c)); // line separators and bidi controls count as controls
                out.append(c);
            } else {
                out.appendCodePoint(0x10000 + random.nextInt(0x10FFFF - 0x10000));
            }
        }
        return out.toString();
    }
}
