package dev.posthorn.mta.delivery;

import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * What DANE (RFC 7672 2.2) says about one MX host, as a {@link DaneVerifier} found it: a closed set, so that the
 * transport handles each case.
 */
public sealed interface DaneVerdict {

    /**
     * DANE says nothing about this host: its MX or address records are insecure, or it provably has no TLSA records.
     * Under {@code dane} it gets the TLS it would get without DANE; under {@code dane-only}, no mail.
     */
    record NotApplicable(String reason) implements DaneVerdict {
        public NotApplicable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Secure, usable TLSA records: STARTTLS is mandatory and the certificate must match one of them (RFC 7672 2.2, 3).
     *
     * @param base    the TLSA base domain the records were found at (for the log)
     * @param records the usable records in full, in presentation form: sessions are kept per set of records, since a
     *                session checked against some records proves nothing about others
     * @param context a TLS context whose trust manager accepts exactly the certificates the records allow
     */
    record Authenticate(String base, String records, SSLContext context) implements DaneVerdict {
        public Authenticate {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(records, "records");
            Objects.requireNonNull(context, "context");
        }
    }

    /**
     * Secure TLSA records exist but none is usable for SMTP: the server announced TLS, so STARTTLS is mandatory, but
     * there is nothing to authenticate it with (RFC 7672 2.2, 3.1.3).
     */
    record EncryptOnly(String reason) implements DaneVerdict {
        public EncryptOnly {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * This host must not be used now: its TLSA records could not be had (SERVFAIL, timeout) or are bogus, so a
     * downgrade cannot be ruled out (RFC 7672 2.2). The next host is tried, or the mail deferred.
     */
    record HostUnusable(String reason) implements DaneVerdict {
        public HostUnusable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Whether DANE governs this host (anything but {@link NotApplicable}). */
    default boolean applies() {
        return !(this instanceof NotApplicable);
    }
}
