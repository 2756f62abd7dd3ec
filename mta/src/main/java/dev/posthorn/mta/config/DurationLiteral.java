package dev.posthorn.mta.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Durations as the operator writes them: an integer and one unit, {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 4h}, {@code 5d}. No fractions, no sums ({@code 1h30m} is {@code 90m}), no ISO 8601: one obvious form that
 * reads back to the same {@link Duration}. Every duration of the configuration is positive.
 */
public final class DurationLiteral {

    /** The units, largest first: {@link #format} picks the first that divides the duration. */
    private static final List<Unit> UNITS = List.of(new Unit("d", ChronoUnit.DAYS), new Unit("h", ChronoUnit.HOURS),
            new Unit("m", ChronoUnit.MINUTES), new Unit("s", ChronoUnit.SECONDS), new Unit("ms", ChronoUnit.MILLIS));

    private record Unit(String suffix, ChronoUnit unit) {
    }

    private DurationLiteral() {
    }

    /**
     * Parses {@code 30s} and the like.
     *
     * @throws IllegalArgumentException with the reason, for anything else, zero included
     */
    public static Duration parse(String text) {
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        if (text.startsWith("-")) {
            throw new IllegalArgumentException("a duration must be positive, got " + text);
        }
        String suffix = text.substring(digits);
        Unit unit = UNITS.stream().filter(u -> u.suffix().equals(suffix)).findFirst().orElse(null);
        if (digits == 0 || unit == null) {
            throw new IllegalArgumentException("expected a duration, an integer and a unit (ms, s, m, h or d) such as"
                    + " 30s, got " + text);
        }
        Duration duration;
        try {
            duration = Duration.of(Long.parseLong(text.substring(0, digits)), unit.unit());
            duration.toMillis();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("duration too long: " + text, e);
        }
        if (duration.isZero()) {
            throw new IllegalArgumentException("a duration must be positive, got " + text);
        }
        return duration;
    }

    /** The duration in the largest unit that divides it: {@code 5d}, {@code 90m}, {@code 1500ms}. */
    static String format(Duration duration) {
        check(duration, "a duration");
        for (Unit unit : UNITS) {
            Duration one = unit.unit().getDuration();
            if (duration.toMillis() % one.toMillis() == 0) {
                return duration.toMillis() / one.toMillis() + unit.suffix();
            }
        }
        throw new IllegalStateException("every whole number of milliseconds has a unit: " + duration);
    }

    /**
     * Returns {@code duration} if it can be written in the file: positive and a whole number of milliseconds.
     *
     * @param what names the duration in the message, such as {@code "queue.max_lifetime"}
     * @throws IllegalArgumentException otherwise
     */
    static Duration check(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + duration);
        }
        try {
            if (duration.toMillis() <= 0 || duration.getNano() % 1_000_000 != 0) {
                throw new IllegalArgumentException(what + " must be a whole number of milliseconds, got " + duration);
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + " too long: " + duration, e);
        }
        return duration;
    }
}
