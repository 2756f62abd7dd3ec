package dev.posthorn.smtp.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How the server behaves when its connections run short, as Postfix's stress mode does
 * ({@code smtpd_timeout = ${stress?10}{300}}): when the open connections reach {@code percent} of the server's
 * maximum, a session waiting for a command may wait only {@code commandTimeout} (instead of the normal command
 * timeout), and a message's data gets {@code dataTimeout} plus the time its octets take at the minimum data rate.
 * The shorter deadlines apply to new sessions and to those already waiting when stress begins, so clients that hold
 * connections open without talking (or talk a byte at a time) give their slots up within seconds, and a real client
 * in the listen queue gets one. A real client answers within milliseconds and never notices.
 *
 * <p>Stress ends when the open connections have stayed below three quarters of the mark for the longer of the two
 * stress timeouts, so neither a load that hovers at the mark nor a flood that is cut in waves and comes back switches
 * it on and off. The server logs once when stress begins and once when it
 * ends, and tells its {@link ServerEvents}.
 *
 * @param percent        open connections, in percent of the maximum, at which stress begins; 0 turns it off
 * @param commandTimeout how long a command line may take to arrive under stress (from the command's start, or from
 *                       the start of stress if that came later)
 * @param dataTimeout    how long a message's data may take under stress, plus its octets at the minimum data rate
 */
public record Stress(int percent, Duration commandTimeout, Duration dataTimeout) {

    /** No stress mode: the normal deadlines apply however many connections are open. */
    public static final Stress OFF = new Stress(0, Duration.ofSeconds(10), Duration.ofSeconds(10));

    /**
     * From 80 % of the connections on, five seconds for a command and ten for the data. Postfix allows ten for
     * both; five for a command means a client queued behind a full house of slow ones is served within ten seconds
     * (they all go within five of their start), and a real client sends its next command within milliseconds.
     */
    public static final Stress DEFAULT = new Stress(80, Duration.ofSeconds(5), Duration.ofSeconds(10));

    public Stress {
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(dataTimeout, "dataTimeout");
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be between 0 (off) and 100");
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero() || dataTimeout.isNegative()
                || dataTimeout.isZero()) {
            throw new IllegalArgumentException("stress timeouts must be positive");
        }
    }

    public boolean enabled() {
        return percent > 0;
    }

    /** The open connections at which stress begins, of {@code maxConnections}: at least one. */
    int beginsAt(int maxConnections) {
        return (int) Math.max(1, ((long) maxConnections * percent + 99) / 100);
    }

    /** Stress can end when fewer connections than this are open: three quarters of {@link #beginsAt}, at least 1. */
    int endsBelow(int maxConnections) {
        return Math.max(1, beginsAt(maxConnections) * 3 / 4);
    }
}
