package dev.posthorn.mta.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.LogText;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down and then locks out password guessing. Failed AUTHs are counted within a window per client address,
 * per (address, user) and per user:
 * <ul>
 *   <li>past the address limit, that address is refused AUTH ({@code 454 4.7.0}) until the window passes without
 *       failures;</li>
 *   <li>past the (address, user) limit, that address is refused AUTH for that user alone;</li>
 *   <li>the per-user count never refuses anything: past its limit, each further failure for the user is answered
 *       after the longest delay. Anyone can fail as anyone, so a per-user lockout would let a guesser with many
 *       addresses lock the real user out (the right password from an address that has not failed always gets
 *       in).</li>
 * </ul>
 * Each failure also earns a growing delay before its {@code 535} reply (capped at {@link #MAX_STEPS} steps).
 *
 * <p>Memory is bounded and a flood cannot reset it: user names and addresses come from the peer, so counts live in a
 * cache of at most {@link #MAX_COUNTED} entries that evicts one entry at a time (least-used first), and the lockouts
 * in a second one of at most {@link #MAX_LOCKED} entries. A flood of new addresses or names, each failing once, only
 * pushes out other counts below a limit; it never lifts a lockout, since a lockout can only be pushed out by more
 * lockouts, each paid for with as many delayed failures as the limit. A user name is at most one AUTH line long.
 */
public final class AuthThrottle {

    private static final Logger log = LoggerFactory.getLogger(AuthThrottle.class);
    /** Counts below a limit: some tens of MiB at most, for the keys a peer can make up. */
    static final int MAX_COUNTED = 100_000;
    /** Lockouts: each one cost a guesser {@code maxPerPair} delayed failures at least. */
    static final int MAX_LOCKED = 50_000;
    /** The longest delay before a 535, in steps: long enough to slow a guesser, short of a client's timeout. */
    static final int MAX_STEPS = 5;

    private sealed interface Key {
    }

    private record Address(String address) implements Key {
    }

    private record Pair(String address, String user) implements Key {
    }

    private record User(String user) implements Key {
    }

    private final Duration window;
    private final int maxPerAddress;
    private final int maxPerPair;
    private final int maxPerUser;
    private final Duration delayStep;
    private final Cache<Key, Integer> failures;
    private final Cache<Key, Boolean> locked;

    /**
     * @param window        how long failures are remembered after the last one (and a lockout lasts)
     * @param maxPerAddress failures from one address that lock it out
     * @param maxPerPair    failures for one user from one address that lock that address out for that user
     * @param maxPerUser    failures for one user from anywhere after which each failure gets the longest delay
     * @param delayStep     the delay added per recent failure before a 535 (capped at {@link #MAX_STEPS} steps)
     */
    public AuthThrottle(Clock clock, Duration window, int maxPerAddress, int maxPerPair, int maxPerUser,
                        Duration delayStep) {
        this.window = window;
        this.maxPerAddress = maxPerAddress;
        this.maxPerPair = maxPerPair;
        this.maxPerUser = maxPerUser;
        this.delayStep = delayStep;
        this.failures = cache(clock, window, MAX_COUNTED);
        this.locked = cache(clock, window, MAX_LOCKED);
    }

    /**
     * Five failures per address or three per address and user in 15 minutes lock them out; ten per user make each
     * further failure for that user wait the longest; one more second per failure. Windows run on {@code clock}.
     */
    public static AuthThrottle defaults(Clock clock) {
        return new AuthThrottle(clock, Duration.ofMinutes(15), 5, 3, 10, Duration.ofSeconds(1));
    }

    /**
     * A cache on {@code clock}: expiry after the window without a write, and eviction done on the caller's thread
     * (Caffeine's default is a pool: then a lockout's fate would depend on when that pool gets to run).
     */
    static <K, V> Cache<K, V> cache(Clock clock, Duration expiry, int maxEntries) {
        long origin = clock.millis();
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis() - origin);
        return Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(expiry).ticker(ticker)
                .executor(Runnable::run).build();
    }

    /** Whether the client address may try AUTH now. */
    public boolean addressAllowed(InetAddress client) {
        return locked.getIfPresent(new Address(client.getHostAddress())) == null;
    }

    /** Whether the client address may try AUTH as {@code user} now. */
    public boolean allowed(InetAddress client, String user) {
        return addressAllowed(client) && locked.getIfPresent(new Pair(client.getHostAddress(), user)) == null;
    }

    /** Records a failed AUTH; returns how long to wait before answering it. */
    public Duration failed(InetAddress client, String user) {
        String address = client.getHostAddress();
        int byAddress = count(new Address(address), maxPerAddress);
        int byPair = count(new Pair(address, user), maxPerPair);
        int byUser = failures.asMap().merge(new User(user), 1, Integer::sum);
        if (byAddress == maxPerAddress || byPair == maxPerPair) {
            // The user name is the peer's text: cleaned, so it cannot start a line of its own (log forging).
            log.warn("AUTH locked out for {}: client {} ({} failures; {} as user <{}>)", window,
                    AddressLiteral.format(client), byAddress, byPair, LogText.escape(user));
        }
        if (byUser == maxPerUser) {
            log.warn("AUTH for user <{}> failed {} times within {}; further failures are answered after {}",
                    LogText.escape(user), byUser, window, delayStep.multipliedBy(MAX_STEPS));
        }
        int steps = byUser >= maxPerUser ? MAX_STEPS : Math.max(byAddress, byPair);
        return delayStep.multipliedBy(Math.min(MAX_STEPS, steps));
    }

    /**
     * A successful AUTH clears the count for this address and user (not the address's: one good login does not
     * excuse guessing other users; not the user's: it is slowed down for the guessers, not for her).
     */
    public void succeeded(InetAddress client, String user) {
        failures.invalidate(new Pair(client.getHostAddress(), user));
    }

    private int count(Key key, int limit) {
        int n = failures.asMap().merge(key, 1, Integer::sum);
        if (n >= limit) {
            locked.put(key, Boolean.TRUE);
        }
        return n;
    }

    /** How many counts and lockouts are held (after pending evictions), for tests of the bound. */
    long held() {
        failures.cleanUp();
        locked.cleanUp();
        return failures.estimatedSize() + locked.estimatedSize();
    }
}
