package dev.posthorn.mta.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads the report sections, {@code dmarc} (its {@code reports}) and {@code tls_rpt}; a key missing from one takes
 * its value from the defaults.
 */
final class ReportsReader {

    static final List<String> DMARC_KEYS = List.of("reports");
    static final List<String> REPORT_KEYS = List.of("enabled", "interval", "org_name", "email", "extra_contact_info");
    static final List<String> TLS_KEYS = List.of("enabled", "interval", "org_name", "email");

    private ReportsReader() {
    }

    /** {@code dmarc: { reports: {...} }}: needs {@code checks.dmarc} when enabled. */
    static ReportSettings dmarc(Value value, ReportSettings defaults, Checks checks) {
        Optional<Section> found = value.section();
        if (found.isEmpty()) {
            return defaults;
        }
        found.get().allowOnly(DMARC_KEYS);
        Optional<Section> reports = found.get().get("reports").flatMap(Value::section);
        if (reports.isEmpty()) {
            return defaults;
        }
        ReportSettings read = read(reports.get(), REPORT_KEYS, defaults);
        if (read.enabled() && !checks.dmarc()) {
            reports.get().self().problem("reports need checks.dmarc (they tell what the DMARC checks saw)");
            return defaults;
        }
        return read;
    }

    /** {@code tls_rpt: {...}}. */
    static ReportSettings tls(Value value, ReportSettings defaults) {
        return value.section().map(section -> read(section, TLS_KEYS, defaults)).orElse(defaults);
    }

    private static ReportSettings read(Section section, List<String> keys, ReportSettings defaults) {
        section.allowOnly(keys);
        boolean enabled = section.get("enabled").flatMap(Value::bool).orElse(defaults.enabled());
        Duration interval = section.get("interval").flatMap(v -> v.parsed(ReportsReader::interval))
                .orElse(defaults.interval());
        Optional<String> orgName = text(section, "org_name", defaults.orgName());
        Optional<String> email = text(section, "email", defaults.email());
        Optional<String> extra = text(section, "extra_contact_info", defaults.extraContactInfo());
        try {
            return new ReportSettings(enabled, interval, orgName, email, extra);
        } catch (IllegalArgumentException e) {
            section.self().problem(e.getMessage());
            return defaults;
        }
    }

    private static Duration interval(String text) {
        Duration interval = DurationLiteral.parse(text);
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(ReportSettings.MAX_INTERVAL) > 0
                || interval.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("expected whole seconds from 1s to 7d, got " + text);
        }
        return interval;
    }

    private static Optional<String> text(Section section, String key, Optional<String> fallback) {
        return section.get(key).isPresent() ? section.get(key).flatMap(Value::string) : fallback;
    }
}
