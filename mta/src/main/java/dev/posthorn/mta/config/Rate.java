package dev.posthorn.mta.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A rate limit as the operator writes it: {@code 100/1m} is at most 100 in any one minute (fixed windows); {@code 0}
 * turns the limit off.
 *
 * @param count how many the window allows; 0 means no limit
 * @param per   the window's length
 */
public record Rate(int count, Duration per) {

    /** No limit. */
    public static final Rate OFF = new Rate(0, Duration.ofMinutes(1));

    public Rate {
        if (count < 0) {
            throw new IllegalArgumentException("a rate's count must not be negative");
        }
        DurationLiteral.check(per, "a rate's window");
    }

    public boolean isOff() {
        return count == 0;
    }

    /**
     * Parses {@code COUNT/DURATION}, such as {@code 60/1m}; {@code 0} alone (or any {@code 0/...}) is {@link #OFF}.
     *
     * @throws IllegalArgumentException with the reason
     */
    static Rate parse(String text) {
        if (text.equals("0")) {
            return OFF;
        }
        int slash = text.indexOf('/');
        String count = slash < 0 ? "" : text.substring(0, slash);
        if (count.isEmpty() || count.length() > 9 || !count.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("expected a rate, a count and a window such as 100/1m (or 0 for no"
                    + " limit), got " + text);
        }
        Duration per = DurationLiteral.parse(text.substring(slash + 1));
        int n = Integer.parseInt(count);
        return n == 0 ? OFF : new Rate(n, per);
    }

    @Override
    public String toString() {
        return isOff() ? "0" : count + "/" + DurationLiteral.format(Objects.requireNonNull(per));
    }
}
