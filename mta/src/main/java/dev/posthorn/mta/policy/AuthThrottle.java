package dev.posthorn.mta.policy;

import dev.posthorn.smtp.AddressLiteral;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down and then locks out password guessing: each failed AUTH from a client address or for a user name counts
 * within a window; past the limit, that address or user is refused AUTH ({@code 454 4.7.0}) until the window
 * passes without failures. Each failure also earns a growing delay before its {@code 535} reply. Memory is bounded:
 * at most {@code MAX_ENTRIES} addresses and users are tracked; the oldest are forgotten first.
 */
public final class AuthThrottle {

    private static final Logger log = LoggerFactory.getLogger(AuthThrottle.class);
    static final int MAX_ENTRIES = 100_000;

    private final Clock clock;
    private final Duration window;
    private final int maxPerAddress;
    private final int maxPerUser;
    private final Duration delayStep;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    /** @param delayStep the delay added per recent failure before a 535 (capped at five steps) */
    public AuthThrottle(Clock clock, Duration window, int maxPerAddress, int maxPerUser, Duration delayStep) {
        this.clock = clock;
        this.window = window;
        this.maxPerAddress = maxPerAddress;
        this.maxPerUser = maxPerUser;
        this.delayStep = delayStep;
    }

    /** Five failures per address or ten per user in 15 minutes lock them out; one more second per failure. */
    public static AuthThrottle defaults() {
        return new AuthThrottle(Clock.systemUTC(), Duration.ofMinutes(15), 5, 10, Duration.ofSeconds(1));
    }

    private record Failures(int count, Instant last) {
    }

    /** Whether the client address may try AUTH now. */
    public boolean addressAllowed(InetAddress client) {
        return recent("ip:" + client.getHostAddress()) < maxPerAddress;
    }

    /** Whether the user may try AUTH now. */
    public boolean userAllowed(String user) {
        return recent("user:" + user) < maxPerUser;
    }

    /** Records a failed AUTH; returns how long to wait before answering it. */
    public Duration failed(InetAddress client, String user) {
        int byAddress = record("ip:" + client.getHostAddress());
        int byUser = record("user:" + user);
        if (byAddress == maxPerAddress || byUser == maxPerUser) {
            log.warn("AUTH locked out for {}: client {} ({} failures), user {} ({} failures)", window,
                    AddressLiteral.format(client), byAddress, user, byUser);
        }
        return delayStep.multipliedBy(Math.min(5, Math.max(byAddress, byUser)));
    }

    /** A successful AUTH clears the user's count (not the address's: one good login does not excuse guessing). */
    public void succeeded(String user) {
        failures.remove("user:" + user);
    }

    private int recent(String key) {
        Failures f = failures.get(key);
        if (f == null) {
            return 0;
        }
        if (clock.instant().isAfter(f.last().plus(window))) {
            failures.remove(key, f);
            return 0;
        }
        return f.count();
    }

    private int record(String key) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_ENTRIES) {
            forgetOldest(now);
        }
        return failures.merge(key, new Failures(1, now), (old, one) ->
                now.isAfter(old.last().plus(window)) ? one : new Failures(old.count() + 1, now)).count();
    }

    private void forgetOldest(Instant now) {
        Iterator<Map.Entry<String, Failures>> it = failures.entrySet().iterator();
        while (it.hasNext()) {
            if (now.isAfter(it.next().getValue().last().plus(window))) {
                it.remove();
            }
        }
        if (failures.size() >= MAX_ENTRIES) {
            failures.clear(); // under a flood of distinct names: forget all rather than grow without bound
        }
    }
}
