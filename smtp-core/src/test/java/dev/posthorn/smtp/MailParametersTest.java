package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** MAIL FROM parameters: SIZE (RFC 1870), BODY (RFC 6152, 3030), SMTPUTF8 (RFC 6531), RET/ENVID (RFC 3461), AUTH. */
class MailParametersTest {

    private static final OptionalLong NO_SIZE = OptionalLong.empty();

    static Stream<Arguments> acceptedParameters() {
        return Stream.of(
                arguments("", MailParameters.NONE),
                arguments(" SIZE=0", new MailParameters(OptionalLong.of(0), null, false, null, null, null)),
                arguments(" SIZE=1000000", new MailParameters(OptionalLong.of(1_000_000), null, false, null, null, null)),
                arguments(" size=42", new MailParameters(OptionalLong.of(42), null, false, null, null, null)),
                arguments(" SIZE=999999999999999999",
                        new MailParameters(OptionalLong.of(999_999_999_999_999_999L), null, false, null, null, null)),
                arguments(" BODY=7BIT", new MailParameters(NO_SIZE, BodyType.SEVEN_BIT, false, null, null, null)),
                arguments(" BODY=8BITMIME", new MailParameters(NO_SIZE, BodyType.EIGHT_BIT_MIME, false, null, null, null)),
                arguments(" body=8bitmime", new MailParameters(NO_SIZE, BodyType.EIGHT_BIT_MIME, false, null, null, null)),
                arguments(" BODY=BINARYMIME", new MailParameters(NO_SIZE, BodyType.BINARY_MIME, false, null, null, null)),
                arguments(" SMTPUTF8", new MailParameters(NO_SIZE, null, true, null, null, null)),
                arguments(" SmtpUtf8", new MailParameters(NO_SIZE, null, true, null, null, null)),
                arguments(" RET=FULL", new MailParameters(NO_SIZE, null, false, DsnReturn.FULL, null, null)),
                arguments(" ret=hdrs", new MailParameters(NO_SIZE, null, false, DsnReturn.HDRS, null, null)),
                arguments(" ENVID=QQ314159", new MailParameters(NO_SIZE, null, false, null, "QQ314159", null)),
                arguments(" ENVID=a+2Bb+3Dc+20d", new MailParameters(NO_SIZE, null, false, null, "a+b=c d", null)),
                arguments(" AUTH=<>", new MailParameters(NO_SIZE, null, false, null, null, "<>")),
                arguments(" AUTH=e+2Bmail@example.org", new MailParameters(NO_SIZE, null, false, null, null, "e+mail@example.org")),
                arguments(" REQUIRETLS", new MailParameters(NO_SIZE, null, false, null, null, null, true)),
                arguments(" RequireTls", new MailParameters(NO_SIZE, null, false, null, null, null, true)),
                arguments("  SIZE=10   BODY=8BITMIME  SMTPUTF8 RET=HDRS ENVID=x AUTH=<> ",
                        new MailParameters(OptionalLong.of(10), BodyType.EIGHT_BIT_MIME, true, DsnReturn.HDRS, "x", "<>")));
    }

    @ParameterizedTest(name = "MAIL FROM:<sender@example.org>{0}")
    @MethodSource("acceptedParameters")
    void acceptedParametersDecodeToTheirValues(String parameters, MailParameters expected) {
        assertThat(Parse.mailParameters(parameters)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "MAIL FROM:<sender@example.org> {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            SIZE                                | 501 5.5.4
            SIZE=                               | 501 5.5.4
            SIZE=abc                            | 501 5.5.4
            SIZE=-1                             | 501 5.5.4
            SIZE=1.5                            | 501 5.5.4
            SIZE=1k                             | 501 5.5.4
            SIZE=1234567890123456789            | 501 5.5.4
            SIZE=1=2                            | 501 5.5.4
            SIZE==1                             | 501 5.5.4
            BODY                                | 501 5.5.4
            BODY=9BIT                           | 501 5.5.4
            BODY=8BIT                           | 501 5.5.4
            BODY=BINARY                         | 501 5.5.4
            SMTPUTF8=YES                        | 501 5.5.4
            REQUIRETLS=YES                      | 501 5.5.4
            REQUIRETLS=                         | 501 5.5.4
            REQUIRETLS REQUIRETLS               | 555 5.5.4
            SMTPUTF8=                           | 501 5.5.4
            RET                                 | 501 5.5.4
            RET=NONE                            | 501 5.5.4
            RET=FULL,HDRS                       | 501 5.5.4
            ENVID                               | 501 5.5.4
            ENVID=a+2                           | 501 5.5.4
            ENVID=a+                            | 501 5.5.4
            ENVID=a+2b                          | 501 5.5.4
            ENVID=a+GG                          | 501 5.5.4
            ENVID=a+0D+0AX-Injected:+20yes      | 501 5.5.4
            ENVID=tab+09                        | 501 5.5.4
            ENVID=nul+00                        | 501 5.5.4
            AUTH                                | 501 5.5.4
            AUTH=a+2                            | 501 5.5.4
            AUTH=<a@b>+0D+0AX-Injected:+20yes   | 501 5.5.4
            -SIZE=1                             | 501 5.5.4
            SI_ZE=1                             | 501 5.5.4
            =1                                  | 501 5.5.4
            SIZE=1 SIZE=2                       | 555 5.5.4
            SIZE=1 size=1                       | 555 5.5.4
            SMTPUTF8 SMTPUTF8                   | 555 5.5.4
            BODY=7BIT BODY=8BITMIME             | 555 5.5.4
            FOO=bar                             | 555 5.5.4
            XFORWARD                            | 555 5.5.4
            NOTIFY=NEVER                        | 555 5.5.4
            ORCPT=rfc822;a@b.example            | 555 5.5.4
            SIZE=10 FOO                         | 555 5.5.4
            """)
    void invalidUnknownAndDuplicateParametersAreRefused(String parameters, String expected) {
        assertThat(Parse.refusal("MAIL FROM:<sender@example.org> " + parameters)).isEqualTo(expected);
        assertThat(Parse.refusal("MAIL FROM:<> " + parameters)).isEqualTo(expected);
    }

    @Test
    void envelopeIdOf100CharactersIsAcceptedAnd101Refused() {
        assertThat(Parse.mailParameters(" ENVID=" + "e".repeat(100)).envelopeId()).hasSize(100);
        assertThat(Parse.mailParameters(" ENVID=" + "+2B".repeat(100)).envelopeId()).isEqualTo("+".repeat(100));
        assertThat(Parse.refusal("MAIL FROM:<> ENVID=" + "e".repeat(101))).isEqualTo("501 5.5.4");
        assertThat(Parse.refusal("MAIL FROM:<> ENVID=" + "+2B".repeat(101))).isEqualTo("501 5.5.4");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a\r\nb", "\u0000", "x\ty", "\u007f"})
    void decodedEnvelopeIdAndAuthNeverCarryControlCharacters(String decoded) {
        String xtext = Xtext.encode(decoded);

        assertThat(Parse.refusal("MAIL FROM:<> ENVID=" + xtext)).isEqualTo("501 5.5.4");
        assertThat(Parse.refusal("MAIL FROM:<> AUTH=" + xtext)).isEqualTo("501 5.5.4");
    }

    @Test
    void overLongKeywordIsRefusedWithAReplyNotAnException() {
        // Found by CommandParserFuzzTest: the keyword was quoted into a reply longer than a reply line may be, and
        // the Reply constructor's IllegalArgumentException escaped the parser (a command line may be 2048 octets).
        String keyword = "X".repeat(600);
        assertThat(Parse.refusal("MAIL FROM:<> " + keyword + "=1")).isEqualTo("501 5.5.4");
        assertThat(Parse.refusal("MAIL FROM:<> SIZE=1 " + keyword)).isEqualTo("501 5.5.4");
        assertThat(Parse.refusal("RCPT TO:<a@b.example> " + keyword + "=1")).isEqualTo("501 5.5.4");
    }

    @Test
    void effectiveBodyDefaultsTo7Bit() {
        assertThat(MailParameters.NONE.effectiveBody()).isEqualTo(BodyType.SEVEN_BIT);
        assertThat(Parse.mailParameters(" BODY=BINARYMIME").effectiveBody()).isEqualTo(BodyType.BINARY_MIME);
    }

    @Test
    void sizeMustBePresentOrEmptyNeverNull() {
        assertThatIllegalArgumentException().isThrownBy(() -> new MailParameters(null, null, false, null, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SIZE=10 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=QQ+2B1 AUTH=<a+2Bb@example.org>
            BODY=BINARYMIME
            ENVID=+3D+2B
            """)
    void toWireIsWhatTheClientSent(String wire) {
        assertThat(Parse.mailParameters(" " + wire).toWire()).isEqualTo(" " + wire);
    }

    @Test
    void noParametersHaveAnEmptyWireForm() {
        assertThat(MailParameters.NONE.toWire()).isEmpty();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234, 5321, 6531, 3461, 20240101, 987654321})
    void randomParametersRoundTripThroughTheWire(long seed) throws CommandSyntaxException {
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            MailParameters original = new MailParameters(
                    random.nextBoolean() ? OptionalLong.of(random.nextLong(Long.MAX_VALUE / 100)) : NO_SIZE,
                    random.nextBoolean() ? BodyType.values()[random.nextInt(3)] : null,
                    random.nextBoolean(),
                    random.nextBoolean() ? DsnReturn.values()[random.nextInt(2)] : null,
                    random.nextBoolean() ? printableAscii(random, 1 + random.nextInt(100)) : null,
                    random.nextBoolean() ? printableAscii(random, 1 + random.nextInt(200)) : null,
                    random.nextBoolean());
            String wire = original.toWire();

            assertThat(MailParameters.parse(wire)).as(wire).isEqualTo(original);
            assertThat(Parse.mailParameters(wire)).as(wire).isEqualTo(original);
        }
    }

    /** Printable US-ASCII, space included: what ENVID may hold (RFC 3461 4.4). */
    static String printableAscii(Random random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) (32 + random.nextInt(95)));
        }
        return out.toString();
    }
}
