package dev.posthorn.mta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Durations as written in the file: an integer and one unit, read and written back. */
class DurationLiteralTest {

    @Test
    void eachUnitReadsToItsDuration() {
        assertThat(DurationLiteral.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationLiteral.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationLiteral.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationLiteral.parse("4h")).isEqualTo(Duration.ofHours(4));
        assertThat(DurationLiteral.parse("5d")).isEqualTo(Duration.ofDays(5));
        assertThat(DurationLiteral.parse("090m")).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void aDurationIsWrittenInTheLargestUnitThatDividesIt() {
        assertThat(DurationLiteral.format(Duration.ofDays(5))).isEqualTo("5d");
        assertThat(DurationLiteral.format(Duration.ofHours(48))).isEqualTo("2d");
        assertThat(DurationLiteral.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(DurationLiteral.format(Duration.ofSeconds(61))).isEqualTo("61s");
        assertThat(DurationLiteral.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void whatIsWrittenReadsBackToTheSameDuration() {
        for (Duration duration : List.of(Duration.ofMillis(1), Duration.ofMillis(999), Duration.ofSeconds(59),
                Duration.ofMinutes(61), Duration.ofHours(25), Duration.ofDays(365), Duration.ofDays(1_000_000))) {
            assertThat(DurationLiteral.parse(DurationLiteral.format(duration))).as("%s", duration)
                    .isEqualTo(duration);
        }
    }

    @Test
    void anythingButAnIntegerAndOneUnitIsRefused() {
        for (String bad : List.of("", "10", "s", "1.5h", "1h30m", "10 s", " 10s", "10S", "10sec", "PT10S", "+10s",
                "1w", "0x10s")) {
            assertThatIllegalArgumentException().as("%s", bad).isThrownBy(() -> DurationLiteral.parse(bad))
                    .withMessageStartingWith("expected a duration");
        }
        for (String zero : List.of("0s", "0ms", "-1m", "000d")) {
            assertThatIllegalArgumentException().as("%s", zero).isThrownBy(() -> DurationLiteral.parse(zero))
                    .withMessageContaining("must be positive");
        }
    }

    @Test
    void aDurationCheckedForTheFileIsPositiveAndWholeMilliseconds() {
        assertThat(DurationLiteral.check(Duration.ofMillis(1), "x")).isEqualTo(Duration.ofMillis(1));
        assertThatIllegalArgumentException().isThrownBy(() -> DurationLiteral.check(Duration.ZERO, "dns.timeout"))
                .withMessageStartingWith("dns.timeout must be positive");
        assertThatIllegalArgumentException().isThrownBy(() -> DurationLiteral.check(Duration.ofSeconds(-1), "x"));
        assertThatIllegalArgumentException().isThrownBy(() -> DurationLiteral.check(Duration.ofNanos(1_000_001),
                "x")).withMessageContaining("whole number of milliseconds");
        assertThatIllegalArgumentException().isThrownBy(() -> DurationLiteral.check(
                Duration.ofSeconds(Long.MAX_VALUE), "x")).withMessageContaining("too long");
    }
}
