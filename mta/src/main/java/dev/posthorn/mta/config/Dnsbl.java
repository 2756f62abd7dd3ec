package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.Names;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * DNS blocklists (RFC 5782) asked about each untrusted client when it connects.
 *
 * @param zones   the lists' zones, asked all at once, the first listing in this order counting; empty turns the
 *                check off
 * @param action  what a listing does
 * @param timeout how long one list may take to answer; past it the list does not count (fail open)
 */
public record Dnsbl(List<String> zones, Action action, Duration timeout) {

    /** What a listed client gets. */
    public enum Action {
        /** {@code 554 5.7.1} as the greeting, then nothing but QUIT (RFC 5321 3.1). */
        REJECT,
        /** Only a log line: for trying a list out before trusting it. */
        LOG;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Dnsbl {
        zones = List.copyOf(zones);
        Objects.requireNonNull(action, "action");
        DurationLiteral.check(timeout, "dnsbl.timeout");
        for (String zone : zones) {
            Names.domainProblem(zone).ifPresent(reason -> {
                throw new IllegalArgumentException("dnsbl.zones: " + reason + ": " + zone);
            });
            if (!zone.equals(zone.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("dnsbl.zones: zones are kept in lower case: " + zone);
            }
        }
        if (new HashSet<>(zones).size() != zones.size()) {
            throw new IllegalArgumentException("dnsbl.zones: a zone is listed twice");
        }
    }

    public boolean enabled() {
        return !zones.isEmpty();
    }
}
