package dev.posthorn.mta.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Inbound message authentication on the MX listeners, for mail from clients that are neither trusted nor
 * authenticated: which checks run (each adds its result to an {@code Authentication-Results} field) and which results
 * refuse a message. Refusals happen at the end of DATA, when every result is known; a temporary DNS error never
 * refuses a message, and defers it only when {@code deferOnTemperror} asks for that.
 *
 * @param spf              check SPF (RFC 7208) for the MAIL FROM domain, or the HELO name for a null MAIL FROM
 * @param dkim             verify DKIM signatures (RFC 6376), and ARC chains (RFC 8617) with them
 * @param dmarc            evaluate DMARC (RFC 7489) for the From domain; needs {@code spf} and {@code dkim}, since a
 *                         message passes through either
 * @param rejectSpfFail    refuse a message whose SPF result is fail with {@code 550 5.7.23} (RFC 7372), unless DMARC
 *                         passes (RFC 7489 10.1: an early SPF rejection would defeat an aligned DKIM pass); needs
 *                         {@code spf}
 * @param dmarcReject      refuse a message whose DMARC result is fail under {@code p=reject} (sampled by
 *                         {@code pct}), or which has no single From domain, with {@code 550 5.7.1}; needs
 *                         {@code dmarc}
 * @param deferOnTemperror answer {@code 451} instead of accepting when a check that could refuse the message ended
 *                         in temperror
 * @param publicSuffixList the Public Suffix List file, for DMARC's organisational domains; empty means Debian's
 *                         {@code /usr/share/publicsuffix/public_suffix_list.dat} when it exists, else the copy
 *                         bundled with Posthorn
 */
public record Checks(boolean spf, boolean dkim, boolean dmarc, boolean rejectSpfFail, boolean dmarcReject,
                     boolean deferOnTemperror, Optional<Path> publicSuffixList) {

    /** Nothing checked, nothing refused: for setups (and tests) that want none of it. */
    public static final Checks OFF = new Checks(false, false, false, false, false, false, Optional.empty());

    public Checks {
        Objects.requireNonNull(publicSuffixList, "publicSuffixList");
        problem(spf, dkim, dmarc, rejectSpfFail, dmarcReject).ifPresent(reason -> {
            throw new IllegalArgumentException("checks: " + reason);
        });
    }

    /** Whether any check runs. */
    public boolean any() {
        return spf || dkim || dmarc;
    }

    /** What is wrong with this combination of switches, if anything. */
    static Optional<String> problem(boolean spf, boolean dkim, boolean dmarc, boolean rejectSpfFail,
                                    boolean dmarcReject) {
        if (dmarc && !(spf && dkim)) {
            return Optional.of("dmarc needs spf and dkim (a message passes DMARC through either)");
        }
        if (rejectSpfFail && !spf) {
            return Optional.of("reject_spf_fail needs spf");
        }
        if (dmarcReject && !dmarc) {
            return Optional.of("dmarc_reject needs dmarc");
        }
        return Optional.empty();
    }
}
