package dev.posthorn.mta.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads the {@code dmarc} section (its {@code reports}); a key missing from it takes its value from the defaults. */
final class DmarcReader {

    static final List<String> KEYS = List.of("reports");
    static final List<String> REPORT_KEYS = List.of("enabled", "interval", "org_name", "email", "extra_contact_info");

    private DmarcReader() {
    }

    static DmarcReports read(Value value, DmarcReports defaults, Checks checks) {
        Optional<Section> found = value.section();
        if (found.isEmpty()) {
            return defaults;
        }
        found.get().allowOnly(KEYS);
        Optional<Section> reports = found.get().get("reports").flatMap(Value::section);
        if (reports.isEmpty()) {
            return defaults;
        }
        Section section = reports.get();
        section.allowOnly(REPORT_KEYS);
        boolean enabled = section.get("enabled").flatMap(Value::bool).orElse(defaults.enabled());
        Duration interval = section.get("interval").flatMap(v -> v.parsed(DmarcReader::interval))
                .orElse(defaults.interval());
        Optional<String> orgName = text(section, "org_name", defaults.orgName());
        Optional<String> email = text(section, "email", defaults.email());
        Optional<String> extra = text(section, "extra_contact_info", defaults.extraContactInfo());
        if (enabled && !checks.dmarc()) {
            section.self().problem("reports need checks.dmarc (they tell what the DMARC checks saw)");
            return defaults;
        }
        try {
            return new DmarcReports(enabled, interval, orgName, email, extra);
        } catch (IllegalArgumentException e) {
            section.self().problem(e.getMessage());
            return defaults;
        }
    }

    private static Duration interval(String text) {
        Duration interval = DurationLiteral.parse(text);
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(DmarcReports.MAX_INTERVAL) > 0
                || interval.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("expected whole seconds from 1s to 7d, got " + text);
        }
        return interval;
    }

    private static Optional<String> text(Section section, String key, Optional<String> fallback) {
        return section.get(key).isPresent() ? section.get(key).flatMap(Value::string) : fallback;
    }
}
