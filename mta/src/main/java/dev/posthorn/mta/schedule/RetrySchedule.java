package dev.posthorn.mta.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * When to try a deferred message again (the {@code queue} section of the configuration, which holds the defaults): the n-th interval after the n-th attempt, the last one repeating, with
 * ±10 % jitter so messages deferred together do not all come back at once; and how long a message may stay queued.
 *
 * @param intervals   the intervals between attempts, at least one
 * @param maxLifetime how long after arrival a message is given up on
 * @param delayNotice how long after arrival the sender is told the message is delayed (once)
 */
public record RetrySchedule(List<Duration> intervals, Duration maxLifetime, Duration delayNotice) {

    public RetrySchedule {
        intervals = List.copyOf(intervals);
        if (intervals.isEmpty()) {
            throw new IllegalArgumentException("at least one retry interval");
        }
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        Objects.requireNonNull(delayNotice, "delayNotice");
    }

    /** The delay after attempt number {@code attempts} (1 for the first). */
    public Duration delayAfter(int attempts) {
        return delayAfter(attempts, ThreadLocalRandom.current());
    }

    /** As {@link #delayAfter(int)}, drawing the jitter from {@code random} (a seeded one makes it repeatable). */
    public Duration delayAfter(int attempts, RandomGenerator random) {
        Duration base = intervals.get(Math.min(Math.max(attempts, 1), intervals.size()) - 1);
        long millis = base.toMillis();
        long jitter = millis / 10;
        return Duration.ofMillis(millis + (jitter > 0 ? random.nextLong(-jitter, jitter + 1) : 0));
    }

    /** Whether a message that arrived at {@code receivedAt} has outlived {@link #maxLifetime()} at {@code now}. */
    public boolean expired(Instant receivedAt, Instant now) {
        return now.isAfter(receivedAt.plus(maxLifetime));
    }

    /** Whether a message that arrived at {@code receivedAt} has waited {@link #delayNotice()} at {@code now}. */
    public boolean delayNoticeDue(Instant receivedAt, Instant now) {
        return !now.isBefore(receivedAt.plus(delayNotice));
    }
}
