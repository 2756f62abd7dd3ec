package dev.posthorn.mta.config;

import dev.posthorn.smtp.Mailbox;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * DMARC aggregate reports (RFC 7489 7.2) about the mail the inbound checks evaluated: off by default; when on, each
 * domain whose policy asks for them ({@code rua=mailto:}) gets one report per interval, only at destinations that
 * RFC 7489 7.1 allows. Needs {@code checks.dmarc}.
 *
 * @param enabled          send reports
 * @param interval         the reporting interval; intervals start at multiples of it since the epoch (a day starts
 *                         at midnight UTC, as 7.2 asks); 1 second to 7 days (below an hour only for tests)
 * @param orgName          {@code org_name} in the reports; empty means the hostname
 * @param email            the reports' sender ({@code From}, MAIL FROM, {@code email} in the reports); empty means
 *                         {@code postmaster@<hostname>}
 * @param extraContactInfo {@code extra_contact_info} in the reports, if any
 */
public record DmarcReports(boolean enabled, Duration interval, Optional<String> orgName, Optional<String> email,
                           Optional<String> extraContactInfo) {

    public static final Duration MAX_INTERVAL = Duration.ofDays(7);

    public DmarcReports {
        DurationLiteral.check(interval, "dmarc.reports.interval");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(MAX_INTERVAL) > 0
                || interval.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("dmarc.reports.interval is whole seconds, 1s to 7d: " + interval);
        }
        Objects.requireNonNull(orgName, "orgName");
        Objects.requireNonNull(extraContactInfo, "extraContactInfo");
        email.ifPresent(address -> Mailbox.parse(address, false));
        for (Optional<String> text : java.util.List.of(orgName, extraContactInfo)) {
            text.filter(t -> t.isBlank() || t.chars().anyMatch(c -> c < 0x20 || c == 0x7f)).ifPresent(t -> {
                throw new IllegalArgumentException("dmarc.reports: org_name and extra_contact_info are one line of"
                        + " text");
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
