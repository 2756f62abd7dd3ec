package dev.posthorn.mta.dane;

import java.util.List;
import java.util.Objects;

/**
 * What DANE says about one MX host (RFC 7672 2.2): a closed set, so that delivery handles each case.
 */
public sealed interface DaneVerdict {

    /**
     * DANE does not apply: the MX or address records are insecure, or the host provably has no TLSA records. The
     * normal TLS policy applies (RFC 7672 2.2: opportunistic, as before).
     */
    record NotApplicable(String reason) implements DaneVerdict {
        public NotApplicable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Secure, usable TLSA records: STARTTLS is mandatory and the certificate must match one of them (RFC 7672 2.2,
     * 3). Neither a plaintext session nor an unmatched certificate may carry the mail.
     *
     * @param base    the TLSA base domain the records were found at
     * @param records the usable records, at least one
     * @param names   the reference identifiers for DANE-TA (RFC 7672 3.2.3), the host connected to first
     */
    record Authenticate(String base, List<Tlsa> records, List<String> names) implements DaneVerdict {
        public Authenticate {
            Objects.requireNonNull(base, "base");
            records = List.copyOf(records);
            names = List.copyOf(names);
            if (records.isEmpty() || names.isEmpty()) {
                throw new IllegalArgumentException("at least one record and one name");
            }
        }
    }

    /**
     * Secure TLSA records exist but none is usable for SMTP (only PKIX-TA/PKIX-EE, unknown parameters, bad digests):
     * the server announced TLS, so STARTTLS is mandatory, but there is nothing to authenticate it with
     * (RFC 7672 2.2, 3.1.3).
     */
    record EncryptOnly(String reason) implements DaneVerdict {
        public EncryptOnly {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * This host must not be used now: its TLSA records could not be had (SERVFAIL, timeout) or are bogus, so a
     * downgrade cannot be ruled out (RFC 7672 2.2). Delivery tries the next host, or defers.
     */
    record HostUnusable(String reason) implements DaneVerdict {
        public HostUnusable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
