package dev.posthorn.smtp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The clock stands still, moves only when told, and reads in UTC. */
class ManualClockTest {

    @Test
    void standsStillUntilMoved() {
        Instant start = Instant.parse("2026-11-23T12:00:00Z");
        ManualClock clock = new ManualClock(start);
        assertThat(clock.instant()).isEqualTo(start);
        assertThat(clock.millis()).isEqualTo(start.toEpochMilli());
        clock.advance(Duration.ofMinutes(16));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-23T12:16:00Z"));
        clock.advance(Duration.ofSeconds(-60));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-23T12:15:00Z"));
    }

    @Test
    void readsInUtcWhateverZoneIsAsked() {
        ManualClock clock = new ManualClock(Instant.EPOCH);
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(clock.withZone(ZoneId.of("Europe/Berlin"))).isSameAs(clock);
    }
}
