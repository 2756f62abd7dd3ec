package dev.posthorn.mta.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The retry schedule: the n-th interval after the n-th attempt, the last repeating, ±10 % jitter, lifetime, notice. */
class RetryScheduleTest {

    private static final Instant ARRIVAL = Instant.parse("2026-11-23T12:00:00Z");

    private static final RetrySchedule SCHEDULE = new RetrySchedule(
            List.of(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2)), Duration.ofDays(5),
            Duration.ofHours(4));

    private static Duration base(int attempts) {
        return SCHEDULE.intervals().get(Math.min(Math.max(attempts, 1), SCHEDULE.intervals().size()) - 1);
    }

    @Test
    void eachAttemptTakesItsOwnIntervalAndTheLastOneRepeats() {
        Random random = new Random(7);
        for (int attempts = 1; attempts <= 50; attempts++) {
            Duration delay = SCHEDULE.delayAfter(attempts, random);
            Duration expected = base(attempts);
            assertThat(delay).as("after attempt %d", attempts)
                    .isBetween(expected.multipliedBy(9).dividedBy(10), expected.multipliedBy(11).dividedBy(10));
        }
        assertThat(base(3)).isEqualTo(base(50)).isEqualTo(Duration.ofHours(2));
        // Attempt 3 and later never fall back to a shorter interval: the jitter bands do not overlap.
        assertThat(SCHEDULE.delayAfter(1_000, new Random(1))).isGreaterThan(Duration.ofMinutes(100));
    }

    @Test
    void attemptNumbersBelowOneTakeTheFirstInterval() {
        assertThat(SCHEDULE.delayAfter(0, new Random(3))).isBetween(Duration.ofSeconds(270), Duration.ofSeconds(330));
        assertThat(SCHEDULE.delayAfter(-5, new Random(3))).isBetween(Duration.ofSeconds(270),
                Duration.ofSeconds(330));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 20_261_123})
    void jitterStaysWithinTenPercentAndSpreadsTheDelays(long seed) {
        Random random = new Random(seed);
        Duration interval = Duration.ofMinutes(30);
        RetrySchedule schedule = new RetrySchedule(List.of(interval), Duration.ofDays(5), Duration.ofHours(4));
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            Duration delay = schedule.delayAfter(1 + random.nextInt(10), random);
            assertThat(delay).isBetween(Duration.ofMinutes(27), Duration.ofMinutes(33));
            seen.add(delay);
        }
        assertThat(seen).as("messages deferred together come back at different times").hasSizeGreaterThan(1_000);
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        Random a = new Random(99);
        Random b = new Random(99);
        for (int attempts = 1; attempts < 20; attempts++) {
            assertThat(SCHEDULE.delayAfter(attempts, a)).isEqualTo(SCHEDULE.delayAfter(attempts, b));
        }
    }

    @Test
    void intervalsTooShortForJitterAreExact() {
        RetrySchedule tiny = new RetrySchedule(List.of(Duration.ofMillis(9)), Duration.ofDays(1), Duration.ofDays(1));
        assertThat(tiny.delayAfter(4, new Random(5))).isEqualTo(Duration.ofMillis(9));
    }

    @Test
    void aMessageExpiresOnlyAfterItsMaxLifetime() {
        assertThat(SCHEDULE.expired(ARRIVAL, ARRIVAL)).isFalse();
        assertThat(SCHEDULE.expired(ARRIVAL, ARRIVAL.plus(Duration.ofDays(5)))).isFalse();
        assertThat(SCHEDULE.expired(ARRIVAL, ARRIVAL.plus(Duration.ofDays(5)).plusMillis(1))).isTrue();
    }

    @Test
    void theDelayNoticeFallsDueAfterItsWait() {
        assertThat(SCHEDULE.delayNoticeDue(ARRIVAL, ARRIVAL.plus(Duration.ofHours(4)).minusMillis(1))).isFalse();
        assertThat(SCHEDULE.delayNoticeDue(ARRIVAL, ARRIVAL.plus(Duration.ofHours(4)))).isTrue();
        assertThat(SCHEDULE.delayNoticeDue(ARRIVAL, ARRIVAL.plus(Duration.ofDays(1)))).isTrue();
    }

    @Test
    void aScheduleNeedsAnInterval() {
        assertThatThrownBy(() -> new RetrySchedule(List.of(), Duration.ofDays(1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
