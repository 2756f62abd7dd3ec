package dev.posthorn.mta.config;

import dev.posthorn.smtp.Mailbox;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Reports this server sends other domains, off by default, in two sections alike: {@code dmarc.reports}, DMARC
 * aggregate reports (RFC 7489 7.2) about the mail the inbound checks evaluated (each domain whose policy asks,
 * {@code rua=mailto:}, only at destinations RFC 7489 7.1 allows; needs {@code checks.dmarc}), and {@code tls_rpt},
 * SMTP TLS reports (RFC 8460) about the outbound sessions to each domain that publishes {@code _smtp._tls}.
 *
 * @param enabled          send reports
 * @param interval         the reporting interval; intervals start at multiples of it since the epoch (a day starts
 *                         at midnight UTC, as RFC 7489 7.2 and RFC 8460 4.1 ask); 1 second to 7 days (below an hour
 *                         only for tests)
 * @param orgName          the organisation the reports name; empty means the hostname
 * @param email            the reports' sender ({@code From}, MAIL FROM, the contact in the reports); empty means
 *                         {@code postmaster@<hostname>}
 * @param extraContactInfo {@code extra_contact_info} in DMARC reports, if any
 */
public record ReportSettings(boolean enabled, Duration interval, Optional<String> orgName, Optional<String> email,
                             Optional<String> extraContactInfo) {

    public static final Duration MAX_INTERVAL = Duration.ofDays(7);
    /** Off, daily, named after the hostname. */
    public static final ReportSettings OFF = new ReportSettings(false, Duration.ofDays(1), Optional.empty(),
            Optional.empty(), Optional.empty());

    public ReportSettings {
        DurationLiteral.check(interval, "interval");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(MAX_INTERVAL) > 0
                || interval.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("interval is whole seconds, 1s to 7d: " + interval);
        }
        Objects.requireNonNull(orgName, "orgName");
        Objects.requireNonNull(extraContactInfo, "extraContactInfo");
        email.ifPresent(address -> Mailbox.parse(address, false));
        for (Optional<String> text : java.util.List.of(orgName, extraContactInfo)) {
            text.filter(t -> t.isBlank() || t.chars().anyMatch(c -> c < 0x20 || c == 0x7f)).ifPresent(t -> {
                throw new IllegalArgumentException("org_name and extra_contact_info are one line of text");
            });
        }
    }

    /** The organisation named in reports. */
    public String orgName(String hostname) {
        return orgName.orElse(hostname);
    }

    /** The reports' sender. */
    public String email(String hostname) {
        return email.orElse("postmaster@" + hostname);
    }
}
