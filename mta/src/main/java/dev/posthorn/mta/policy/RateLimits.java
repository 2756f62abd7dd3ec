package dev.posthorn.mta.policy;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-address limits on what an untrusted client may do in a window: connections, messages, recipients. Fixed
 * windows, counted per client address; memory is bounded (at most {@code MAX_ENTRIES} addresses, expired ones
 * forgotten first). Hits are logged, once per address and window.
 */
public final class RateLimits {

    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);
    static final int MAX_ENTRIES = 100_000;

    /** What is counted. */
    public enum Kind { CONNECTIONS, MESSAGES, RECIPIENTS }

    private final Clock clock;
    private final Duration window;
    private final Map<Kind, Integer> limits;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    private record Count(long window, int n) {
    }

    public RateLimits(Clock clock, Duration window, int connections, int messages, int recipients) {
        this.clock = clock;
        this.window = window;
        this.limits = Map.of(Kind.CONNECTIONS, connections, Kind.MESSAGES, messages, Kind.RECIPIENTS, recipients);
    }

    /** Per address and minute: 60 connections, 100 messages, 500 recipients. */
    public static RateLimits defaults() {
        return new RateLimits(Clock.systemUTC(), Duration.ofMinutes(1), 60, 100, 500);
    }

    /** Counts one more; false when the address is over its limit for this window. */
    public boolean allow(Kind kind, InetAddress client) {
        long current = clock.millis() / window.toMillis();
        if (counts.size() >= MAX_ENTRIES) {
            counts.values().removeIf(c -> c.window() != current);
            if (counts.size() >= MAX_ENTRIES) {
                counts.clear();
            }
        }
        String key = kind + "|" + client.getHostAddress();
        int n = counts.merge(key, new Count(current, 1), (old, one) ->
                old.window() == current ? new Count(current, old.n() + 1) : one).n();
        int limit = limits.get(kind);
        if (n == limit + 1) {
            log.warn("rate limit: {} from {} over {} per {}", kind.name().toLowerCase(java.util.Locale.ROOT),
                    client.getHostAddress(), limit, window);
        }
        return n <= limit;
    }
}
