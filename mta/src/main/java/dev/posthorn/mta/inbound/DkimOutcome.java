package dev.posthorn.mta.inbound;

import java.util.Locale;
import java.util.Objects;

/**
 * The result of verifying one DKIM signature, as the inbound checks need it: for the Authentication-Results field
 * and for DMARC's alignment. This is the seam to the DKIM verifier, which lives in its own package: an adapter maps
 * each of its results to one of these ({@code Result.valueOf(status.name())} when the names agree).
 *
 * @param result          the verification result
 * @param domain          the signature's {@code d=} domain; empty when the signature could not be read that far
 * @param selector        the signature's {@code s=} selector; may be empty
 * @param signaturePrefix the first characters of the signature's {@code b=} value, to tell signatures apart in
 *                        {@code header.b} (RFC 6008); may be empty
 * @param reason          why it did not pass, for the {@code reason=} of the field; may be empty
 */
public record DkimOutcome(Result result, String domain, String selector, String signaturePrefix, String reason) {

    /** RFC 8601 2.7.1 (and RFC 6376 6.1 for {@code policy}). */
    public enum Result {
        PASS, FAIL, NEUTRAL, POLICY, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DkimOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(signaturePrefix, "signaturePrefix");
        Objects.requireNonNull(reason, "reason");
    }
}
