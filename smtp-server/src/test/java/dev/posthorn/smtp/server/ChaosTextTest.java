package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.Reply;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The text form of chaos rules: what the command line takes and the CLI and the API print. */
class ChaosTextTest {

    @Test
    void readsTheExamplesOfTheJavadoc() {
        Chaos.Rule rcpt = Chaos.parse("rcpt:reply=451 4.3.0 Try again later:p=0.5");
        assertThat(rcpt).isEqualTo(new Chaos.Rule(Chaos.Stage.RCPT, 0.5,
                new Chaos.Fault.Respond(Reply.of(451, "4.3.0", "Try again later"))));
        assertThat(Chaos.parse("data:delay=2s"))
                .isEqualTo(new Chaos.Rule(Chaos.Stage.DATA, 1, new Chaos.Fault.Delay(Duration.ofSeconds(2))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            CONNECT:disconnect          | connect:disconnect
            Ehlo:stall                  | ehlo:stall=1m
            helo:stall=500ms            | ehlo:stall=500ms
            END_OF_DATA:delay=90s       | end-of-data:delay=90s
            eod:delay=1500ms:P=0.25     | end-of-data:delay=1500ms:p=0.25
            end-of-data:DISCONNECT:p=1  | end-of-data:disconnect
            auth:reply=535 Denied       | auth:reply=535 Denied
            mail:reply=421              | mail:reply=421 Fault on purpose (chaos)
            mail:delay=0                | mail:delay=0ms
            mail:delay=1h:p=.5          | mail:delay=1h:p=0.5
            rcpt:stall=3600s            | rcpt:stall=1h
            rcpt:reply=550 5.1.1 No: such user here | rcpt:reply=550 5.1.1 No: such user here
            rcpt:reply=550 5.1.1 See x:p=b:p=0.1    | rcpt:reply=550 5.1.1 See x:p=b:p=0.1
            """)
    void readsAndWritesTheTextForm(String text, String canonical) {
        Chaos.Rule rule = Chaos.parse(text);
        assertThat(Chaos.format(rule)).isEqualTo(canonical);
        assertThat(Chaos.parse(canonical)).isEqualTo(rule);
    }

    @Test
    void randomRulesSurviveTheRoundTrip() {
        Random random = new Random(20261207);
        for (int i = 0; i < 2000; i++) {
            Chaos.Rule rule = randomRule(random);
            String text = Chaos.format(rule);
            assertThat(Chaos.parse(text)).as(text).isEqualTo(rule);
            assertThat(rule.toString()).isEqualTo(text);
        }
    }

    private static Chaos.Rule randomRule(Random random) {
        Chaos.Stage stage = Chaos.Stage.values()[random.nextInt(Chaos.Stage.values().length)];
        double probability = switch (random.nextInt(4)) {
            case 0 -> 1;
            case 1 -> 0;
            default -> random.nextDouble();
        };
        return new Chaos.Rule(stage, probability, randomFault(random));
    }

    private static Chaos.Fault randomFault(Random random) {
        Duration duration = switch (random.nextInt(4)) {
            case 0 -> Duration.ofMillis(random.nextInt(100_000));
            case 1 -> Duration.ofSeconds(random.nextInt(3601));
            case 2 -> Duration.ofNanos(random.nextLong(1, 10_000_000_000L));
            default -> Duration.ofMinutes(random.nextInt(61));
        };
        return switch (random.nextInt(4)) {
            case 0 -> new Chaos.Fault.Delay(duration);
            case 1 -> new Chaos.Fault.Stall(duration);
            case 2 -> new Chaos.Fault.Disconnect();
            default -> new Chaos.Fault.Respond(randomReply(random));
        };
    }

    private static Reply randomReply(Random random) {
        int code = (random.nextBoolean() ? 400 : 500) + random.nextInt(100);
        String alphabet = "abcXYZ019 .,;:=-_()'p";
        StringBuilder text = new StringBuilder();
        int length = 1 + random.nextInt(40);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String words = text.toString().strip();
        if (words.isEmpty() || words.matches("\\d\\.\\d{1,3}\\.\\d{1,3}( .*)?")) {
            words = "x" + words; // a status-like first word would be read as the enhanced status
        }
        return random.nextBoolean() ? Reply.of(code, words)
                : Reply.of(code, code / 100 + "." + random.nextInt(8) + "." + random.nextInt(1000), words);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            rcpt                              | STAGE:FAULT
            quit:disconnect                   | unknown chaos stage "quit"
            rcpt:explode                      | unknown chaos fault "explode"
            rcpt:reply=250 OK                 | must be 4xx or 5xx, got 250
            rcpt:reply=45 x                   | 3-digit code
            rcpt:reply=451 5.1.1 Mismatch     | does not match reply code 451
            rcpt:delay=5                      | needs a unit
            rcpt:delay=5 days                 | whole number with ns, ms, s, m or h
            rcpt:delay=-5s                    | whole number with ns, ms, s, m or h
            rcpt:stall=                       | whole number with ns, ms, s, m or h
            rcpt:delay=999999999999999999h    | too long
            connect:delay=999999h             | a chaos delay must be at most 1h, got 999999h
            connect:delay=61m                 | a chaos delay must be at most 1h, got 61m
            data:stall=3600001ms              | a chaos stall must be at most 1h, got 3600001ms
            data:stall=2h:p=0.5               | a chaos stall must be at most 1h, got 2h
            rcpt:disconnect:p=1.5             | from 0 to 1, got 1.5
            rcpt:disconnect:p=NaN             | must be a number
            rcpt:disconnect:p=-0.5            | must be a number
            rcpt:disconnect:p=                | must be a number
            rcpt:reply=550 5.1.1 x:p=b        | must be a number
            """)
    void badTextIsRefusedSayingWhy(String text, String message) {
        assertThatThrownBy(() -> Chaos.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aReplyTextEndingLikeAProbabilityGetsAnExplicitOne() {
        Chaos.Rule rule = new Chaos.Rule(Chaos.Stage.RCPT, 1,
                new Chaos.Fault.Respond(Reply.of(550, "5.1.1", "x:p=b")));
        assertThat(Chaos.format(rule)).isEqualTo("rcpt:reply=550 5.1.1 x:p=b:p=1.0");
        assertThat(Chaos.parse(Chaos.format(rule))).isEqualTo(rule);
    }

    @Test
    void nothingAndControlCharactersAreRefused() {
        assertThatThrownBy(() -> Chaos.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Chaos.parse("rcpt:reply=451 4.3.0 a\r\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control character").hasMessageNotContaining("\r\n");
    }
}
