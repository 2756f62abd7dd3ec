package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RCPT TO parameters: NOTIFY and ORCPT (RFC 3461 4.1, 4.2). */
class RcptParametersTest {

    @ParameterizedTest(name = "NOTIFY={0}")
    @CsvSource(delimiter = '|', textBlock = """
            NEVER                    | NEVER
            never                    | NEVER
            SUCCESS                  | SUCCESS
            FAILURE                  | FAILURE
            DELAY                    | DELAY
            SUCCESS,FAILURE          | SUCCESS FAILURE
            delay,Success            | SUCCESS DELAY
            SUCCESS,FAILURE,DELAY    | SUCCESS FAILURE DELAY
            DELAY,FAILURE,SUCCESS    | SUCCESS FAILURE DELAY
            """)
    void notifyIsNeverAloneOrAListOfConditions(String value, String expected) {
        Set<DsnNotify> expectedSet = EnumSet.noneOf(DsnNotify.class);
        for (String name : expected.split(" ")) {
            expectedSet.add(DsnNotify.valueOf(name));
        }

        RcptParameters parameters = Parse.rcptParameters(" NOTIFY=" + value);

        assertThat(parameters.notifications()).isEqualTo(expectedSet);
        assertThat(parameters.originalRecipient()).isNull();
    }

    @ParameterizedTest(name = "RCPT TO:<rcpt@example.org> {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            NOTIFY                                     | 501 5.5.4
            NOTIFY=                                    | 501 5.5.4
            NOTIFY=ALWAYS                              | 501 5.5.4
            NOTIFY=NEVER,SUCCESS                       | 501 5.5.4
            NOTIFY=FAILURE,NEVER                       | 501 5.5.4
            NOTIFY=NEVER,NEVER                         | 501 5.5.4
            NOTIFY=SUCCESS,SUCCESS                     | 501 5.5.4
            NOTIFY=SUCCESS,success                     | 501 5.5.4
            NOTIFY=SUCCESS,                            | 501 5.5.4
            NOTIFY=,SUCCESS                            | 501 5.5.4
            NOTIFY=SUCCESS,,FAILURE                    | 501 5.5.4
            NOTIFY=SUCCESS;FAILURE                     | 501 5.5.4
            ORCPT                                      | 501 5.5.4
            ORCPT=                                     | 501 5.5.4
            ORCPT=user@example.org                     | 501 5.5.4
            ORCPT=;user@example.org                    | 501 5.5.4
            ORCPT=rfc822;                              | 501 5.5.4
            ORCPT=rfc822;a+2                           | 501 5.5.4
            ORCPT=rfc822;a+2b@example.org              | 501 5.5.4
            ORCPT=rfc(822;user@example.org             | 501 5.5.4
            ORCPT=rfc822;user@example.org+0D+0AX:+20y  | 501 5.5.4
            ORCPT=rfc822;+00                           | 501 5.5.4
            NOTIFY=NEVER NOTIFY=NEVER                  | 555 5.5.4
            NOTIFY=SUCCESS notify=FAILURE              | 555 5.5.4
            ORCPT=rfc822;a@b.example ORCPT=rfc822;c@d.example | 555 5.5.4
            SIZE=100                                   | 555 5.5.4
            BODY=8BITMIME                              | 555 5.5.4
            SMTPUTF8                                   | 555 5.5.4
            RET=FULL                                   | 555 5.5.4
            ENVID=x                                    | 555 5.5.4
            XFOO=1                                     | 555 5.5.4
            """)
    void invalidUnknownAndDuplicateParametersAreRefused(String parameters, String expected) {
        assertThat(Parse.refusal("RCPT TO:<rcpt@example.org> " + parameters)).isEqualTo(expected);
        assertThat(Parse.refusal("RCPT TO:<Postmaster> " + parameters)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "ORCPT={0}")
    @CsvSource(delimiter = '|', textBlock = """
            rfc822;user@example.org                | rfc822    | user@example.org
            RFC822;User@Example.org                | RFC822    | User@Example.org
            rfc822;user+2Bext@example.org          | rfc822    | user+ext@example.org
            rfc822;"john+20doe"@example.org        | rfc822    | "john doe"@example.org
            utf-8;j+C3+B6ran@example.org           | utf-8     | jöran@example.org
            x-local;a;b                            | x-local   | a;b
            """)
    void originalRecipientIsDecodedFromXtext(String value, String type, String address) {
        RcptParameters parameters = Parse.rcptParameters(" ORCPT=" + value);

        assertThat(parameters.originalRecipient()).isEqualTo(new OriginalRecipient(type, address));
        assertThat(parameters.originalRecipient().toParameter()).isEqualTo(value);
        assertThat(parameters.notifications()).isEmpty();
    }

    @Test
    void notifyAndOrcptTogether() {
        RcptParameters parameters = Parse.rcptParameters(" ORCPT=rfc822;a@b.example  NOTIFY=DELAY,FAILURE");

        assertThat(parameters).isEqualTo(new RcptParameters(
                EnumSet.of(DsnNotify.FAILURE, DsnNotify.DELAY), new OriginalRecipient("rfc822", "a@b.example")));
        assertThat(parameters.toWire()).isEqualTo(" NOTIFY=FAILURE,DELAY ORCPT=rfc822;a@b.example");
    }

    @Test
    void noParametersHaveAnEmptyWireForm() {
        assertThat(Parse.rcptParameters("")).isEqualTo(RcptParameters.NONE);
        assertThat(RcptParameters.NONE.toWire()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "a b", "a;b", "\u00e9"})
    void originalRecipientRefusesAnInvalidAddressType(String type) {
        assertThatIllegalArgumentException().isThrownBy(() -> new OriginalRecipient(type, "user@example.org"));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 11, 99, 3461, 65536, 271828, 314159})
    void randomParametersRoundTripThroughTheWire(long seed) throws CommandSyntaxException {
        Random random = new Random(seed);
        List<DsnNotify> conditions = List.of(DsnNotify.SUCCESS, DsnNotify.FAILURE, DsnNotify.DELAY);
        for (int i = 0; i < 200; i++) {
            Set<DsnNotify> notify = EnumSet.noneOf(DsnNotify.class);
            int kind = random.nextInt(3);
            if (kind == 1) {
                notify.add(DsnNotify.NEVER);
            } else if (kind == 2) {
                List<DsnNotify> shuffled = new ArrayList<>(conditions);
                java.util.Collections.shuffle(shuffled, random);
                notify.addAll(shuffled.subList(0, 1 + random.nextInt(3)));
            }
            OriginalRecipient orcpt = random.nextBoolean() ? null
                    : new OriginalRecipient(random.nextBoolean() ? "rfc822" : "utf-8",
                            XtextTest.randomText(random, 1 + random.nextInt(60), false));
            RcptParameters original = new RcptParameters(notify, orcpt);
            String wire = original.toWire();

            assertThat(RcptParameters.parse(wire)).as(wire).isEqualTo(original);
            assertThat(Parse.rcptParameters(wire)).as(wire).isEqualTo(original);
        }
    }
}
