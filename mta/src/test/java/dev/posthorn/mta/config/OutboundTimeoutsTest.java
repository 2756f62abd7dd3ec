package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.load;
import static dev.posthorn.mta.config.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.config.ConfigFiles.Refusal;
import dev.posthorn.mta.config.ConfigFiles.RefusalTable;
import dev.posthorn.smtp.client.ClientTimeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code outbound.timeouts}: RFC 5321 4.5.3.2's minimums by default, each step settable, every value positive. */
class OutboundTimeoutsTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultsAreRfc5321sMinimums() throws Exception {
        assertThat(Config.defaults(dir).outbound().timeouts()).isEqualTo(ClientTimeouts.RFC_5321)
                .isEqualTo(new ClientTimeouts(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(5),
                        Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(10)));
        assertThat(load(dir, "outbound: { port: 2525 }\n").outbound().timeouts()).isEqualTo(ClientTimeouts.RFC_5321);
    }

    @Test
    void everyStepIsRead() throws Exception {
        Config config = load(dir, """
                outbound:
                  timeouts:
                    connect: 10s
                    greeting: 1m
                    mail: 2m
                    rcpt: 3m
                    data_init: 4m
                    data_block: 5m
                    data_end: 15m
                """);
        assertThat(config.outbound().timeouts()).isEqualTo(new ClientTimeouts(Duration.ofSeconds(10),
                Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(4),
                Duration.ofMinutes(5), Duration.ofMinutes(15)));
    }

    @Test
    void aStepNotWrittenKeepsItsDefault() throws Exception {
        ClientTimeouts timeouts = load(dir, "outbound: { tls: encrypt, timeouts: { data_end: 20m } }\n").outbound()
                .timeouts();
        assertThat(timeouts.dataTermination()).isEqualTo(Duration.ofMinutes(20));
        assertThat(timeouts).usingRecursiveComparison().ignoringFields("dataTermination")
                .isEqualTo(ClientTimeouts.RFC_5321);
    }

    /** Zero, negative and unitless timeouts, a step with no timeout (quit), and timeouts not written as a mapping. */
    static Stream<Refusal> badTimeouts() {
        return Stream.of(
                refused("outbound:\n  timeouts: { rcpt: 0s }\n", 2, "outbound.timeouts.rcpt",
                        "must be positive, got 0s"),
                refused("outbound:\n  timeouts:\n    connect: -1s\n", 3, "outbound.timeouts.connect",
                        "must be positive, got -1s"),
                refused("outbound:\n  timeouts: { greeting: 5 }\n", 2, "outbound.timeouts.greeting",
                        "expected a duration, an integer and a unit (ms, s, m, h or d)"),
                refused("outbound:\n  timeouts: { quit: 1m }\n", 2, "outbound.timeouts.quit", "unknown key"),
                refused("outbound:\n  timeouts: 5m\n", 2, "outbound.timeouts", "expected a mapping"));
    }

    @RefusalTable
    void badTimeouts(Refusal refusal) {
        refusal.check(dir);
    }

    @Test
    void thePrintedDefaultsLoadBackToTheSameTimeouts() throws Exception {
        String printed = ConfigPrinter.print(Config.defaults(dir), dir);
        for (String key : TimeoutsReader.KEYS) {
            assertThat(printed).containsPattern("\noutbound:\n(  .*\n)*  timeouts:\n(    .*\n)*    " + key + ": ");
        }
        assertThat(printed).contains("""
                  timeouts:
                    connect: 30s
                    greeting: 5m
                    mail: 5m
                    rcpt: 5m
                    data_init: 2m
                    data_block: 3m
                    data_end: 10m
                """);
    }

    @Test
    void writtenTimeoutsRoundTripThroughThePrinter() throws Exception {
        Config written = load(dir, "outbound: { timeouts: { connect: 1500ms, data_block: 90s, data_end: 1h } }\n");
        Config reread = load(dir, ConfigPrinter.print(written, dir));
        assertThat(reread.outbound().timeouts()).isEqualTo(written.outbound().timeouts());
        assertThat(reread.outbound().timeouts().connect()).isEqualTo(Duration.ofMillis(1500));
        assertThat(reread.outbound().timeouts().dataBlock()).isEqualTo(Duration.ofSeconds(90));
    }
}
