package dev.posthorn.mta.bounce;

import java.util.Locale;

/**
 * The reports a sender gets whose message came from a client that was neither trusted nor authenticated
 * ({@code queue.reports_for_untrusted}). Its reverse path is only a claim: RET=FULL with NOTIFY=SUCCESS would have
 * this MTA mail the client's message, from MAILER-DAEMON, to whoever it named (backscatter by request). Failure
 * reports are always sent, since RFC 5321 6.1 forbids losing mail silently; what they carry is decided here too.
 */
public enum UntrustedReports {
    /** No success or delay reports; failure reports carry the original's header section only (the default). */
    NONE,
    /** Every report the sender asks for (RFC 3461), each with the original's header section only. */
    HEADERS,
    /** Every report the sender asks for, with the whole original for RET=FULL: for closed networks only. */
    FULL;

    /** The configuration's word for it. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException when {@code keyword} is none of none, headers and full
     */
    public static UntrustedReports parse(String keyword) {
        for (UntrustedReports reports : values()) {
            if (reports.keyword().equals(keyword)) {
                return reports;
            }
        }
        throw new IllegalArgumentException("expected none, headers or full, got " + keyword);
    }
}
