package dev.posthorn.mta.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Servers whose STARTTLS handshake failed at the opportunistic level, remembered for a while so that the next attempt
 * goes in plain text instead of failing the same way until the message expires (as Postfix does). A server that
 * offers STARTTLS and cannot complete it would otherwise never get mail that a server offering no STARTTLS at all
 * gets at once. Only opportunistic sessions use this ({@link HostTls#mayFallBackToPlainText()}); the memory lasts
 * {@link #MEMORY}, after which TLS is tried again, and holds at most {@link #MAX_ENTRIES} servers: the servers are
 * named by DNS answers others control, so past that the least-used are forgotten one at a time (a forgotten server
 * only gets TLS tried once more), never all at once.
 */
final class BrokenTls {

    static final Duration MEMORY = Duration.ofHours(1);
    static final int MAX_ENTRIES = 10_000;

    private final Cache<String, Boolean> failures;

    BrokenTls(Clock clock) {
        long origin = clock.millis();
        // Expiry on the given clock; eviction on the caller's thread rather than a pool's, so it happens in order.
        this.failures = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).expireAfterWrite(MEMORY)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis() - origin)).executor(Runnable::run).build();
    }

    /** Records a failed handshake with {@code server} (address and port). */
    void failed(String server) {
        failures.put(server, Boolean.TRUE);
    }

    /** Whether a handshake with {@code server} failed within {@link #MEMORY}. */
    boolean failedRecently(String server) {
        return failures.getIfPresent(server) != null;
    }
}
