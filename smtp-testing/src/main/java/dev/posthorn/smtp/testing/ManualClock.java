package dev.posthorn.smtp.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that stands still until the test moves it, in UTC: for code that takes a {@link Clock} and counts windows,
 * lockouts or cache lifetimes, so a test can cross a boundary without sleeping. Safe to read from other threads.
 */
public final class ManualClock extends Clock {

    private volatile Instant now;

    /** A clock showing {@code start}. */
    public ManualClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    /** Moves the clock forward (or back, with a negative amount). */
    public void advance(Duration amount) {
        now = now.plus(amount);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** This clock: the zone plays no part in an {@link Instant}, which is all this clock gives. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
