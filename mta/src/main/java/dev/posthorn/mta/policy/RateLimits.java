package dev.posthorn.mta.policy;

import com.github.benmanes.caffeine.cache.Cache;
import dev.posthorn.smtp.AddressLiteral;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-address limits on what an untrusted client may do in a window: connections, messages, recipients. Fixed
 * windows, each kind with its own length, counted per client address; a limit of 0 is no limit. Every refusal is
 * counted; the first for an address in a window is logged as a warning with the running count, the others at debug
 * level, so that a flood cannot flood the log too.
 *
 * <p>Memory is bounded and a flood cannot reset it: counts below a limit live in a cache of at most
 * {@link #MAX_ENTRIES} (kind, address) entries that evicts one entry at a time (least-used first); an address over
 * its limit moves to a second cache of at most {@link #MAX_OVER} entries for the rest of its window. A flood of new
 * addresses only pushes out counts below a limit (such an address may then get a few more than its limit); it never
 * lifts a refusal. Entries expire after the longest window without a write.
 */
public final class RateLimits {

    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);
    /** Counted (kind, address) pairs: some MiB, enough for every client of a busy MX within a window. */
    static final int MAX_ENTRIES = 100_000;
    /** (kind, address) pairs over their limit: each one had to send a limit's worth first. */
    static final int MAX_OVER = 20_000;

    /** What is counted. */
    public enum Kind { CONNECTIONS, MESSAGES, RECIPIENTS }

    /**
     * One kind's limit.
     *
     * @param count  how many per window; 0 is no limit
     * @param window the window's length
     */
    public record Limit(int count, Duration window) {
        public Limit {
            Objects.requireNonNull(window, "window");
            if (count < 0 || window.toMillis() < 1) {
                throw new IllegalArgumentException("a limit needs a count of at least 0 and a window of at least 1ms");
            }
        }
    }

    private final Clock clock;
    private final Map<Kind, Limit> limits;
    private final Cache<Key, Count> counts;
    private final Cache<Key, Count> over;
    private final Map<Kind, AtomicLong> refused = new EnumMap<>(Kind.class);

    private record Key(Kind kind, String address) {
    }

    /** A count in the window that ends at {@code end} (epoch milliseconds). */
    private record Count(long end, int n) {
    }

    public RateLimits(Clock clock, Map<Kind, Limit> limits) {
        this.clock = clock;
        this.limits = new EnumMap<>(limits);
        for (Kind kind : Kind.values()) {
            this.limits.putIfAbsent(kind, new Limit(0, Duration.ofMinutes(1)));
            refused.put(kind, new AtomicLong());
        }
        Duration longest = this.limits.values().stream().map(Limit::window).max(Duration::compareTo).orElseThrow();
        this.counts = AuthThrottle.cache(clock, longest, MAX_ENTRIES);
        this.over = AuthThrottle.cache(clock, longest, MAX_OVER);
    }

    /** The same window for every kind. */
    public RateLimits(Clock clock, Duration window, int connections, int messages, int recipients) {
        this(clock, Map.of(Kind.CONNECTIONS, new Limit(connections, window), Kind.MESSAGES,
                new Limit(messages, window), Kind.RECIPIENTS, new Limit(recipients, window)));
    }

    /** Counts one more; false when the address is over its limit for this window. */
    public boolean allow(Kind kind, InetAddress client) {
        Limit limit = limits.get(kind);
        if (limit.count() == 0) {
            return true;
        }
        long now = clock.millis();
        long windowMillis = limit.window().toMillis();
        long end = (now / windowMillis + 1) * windowMillis;
        Key key = new Key(kind, client.getHostAddress());
        Count refusing = over.asMap().computeIfPresent(key, (k, old) ->
                old.end() == end ? new Count(end, old.n() + 1) : null);
        int n;
        if (refusing != null) {
            n = refusing.n();
        } else {
            n = counts.asMap().merge(key, new Count(end, 1), (old, one) ->
                    old.end() == end ? new Count(end, old.n() + 1) : one).n();
            if (n <= limit.count()) {
                return true;
            }
            over.put(key, new Count(end, n));
            counts.invalidate(key);
        }
        long total = refused.get(kind).incrementAndGet();
        String what = kind.name().toLowerCase(Locale.ROOT);
        if (n == limit.count() + 1) {
            log.warn("rate limit: {} from {} over {} per {}; refused ({} {} refusals in all)", what,
                    AddressLiteral.format(client), limit.count(), limit.window().toMillis() + "ms", total, what);
        } else {
            log.debug("rate limit: {} from {} refused ({} in this window, {} in all)", what,
                    AddressLiteral.format(client), n - limit.count(), total);
        }
        return false;
    }

    /** How many (kind, address) pairs are held (after pending evictions), for tests of the bound. */
    long held() {
        counts.cleanUp();
        over.cleanUp();
        return counts.estimatedSize() + over.estimatedSize();
    }

    /** How many times {@code kind} was refused since start. */
    public long refusals(Kind kind) {
        return refused.get(kind).get();
    }
}
