package dev.posthorn.mta.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Servers whose STARTTLS handshake failed at the opportunistic level, remembered for a while so that the next attempt
 * goes in plain text instead of failing the same way until the message expires (as Postfix does). A server that
 * offers STARTTLS and cannot complete it would otherwise never get mail that a server offering no STARTTLS at all
 * gets at once. Only opportunistic sessions use this ({@link HostTls#mayFallBackToPlainText()}); the memory lasts
 * {@link #MEMORY}, after which TLS is tried again, and holds at most {@link #MAX_ENTRIES} servers.
 */
final class BrokenTls {

    static final Duration MEMORY = Duration.ofHours(1);
    static final int MAX_ENTRIES = 10_000;

    private final Clock clock;
    private final Map<String, Instant> failures = new ConcurrentHashMap<>();

    BrokenTls(Clock clock) {
        this.clock = clock;
    }

    /** Records a failed handshake with {@code server} (address and port). */
    void failed(String server) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_ENTRIES) {
            failures.values().removeIf(at -> at.isBefore(now.minus(MEMORY)));
            if (failures.size() >= MAX_ENTRIES) {
                failures.clear();
            }
        }
        failures.put(server, now);
    }

    /** Whether a handshake with {@code server} failed within {@link #MEMORY}. */
    boolean failedRecently(String server) {
        Instant at = failures.get(server);
        return at != null && at.isAfter(clock.instant().minus(MEMORY));
    }
}
