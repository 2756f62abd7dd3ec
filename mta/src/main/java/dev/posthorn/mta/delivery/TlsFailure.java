package dev.posthorn.mta.delivery;

import dev.posthorn.smtp.EnhancedStatus;
import java.io.IOException;
import java.util.Objects;

/**
 * A server did not give the TLS a policy requires: STARTTLS not offered ({@code 4.7.4}, "security features not
 * supported", RFC 3463), or a failed handshake, an untrusted certificate, a certificate for another name, a host
 * the domain's MTA-STS policy does not list, DANE not available ({@code 4.7.5}, "cryptographic failure"). The next
 * MX host is tried; when none takes the mail, the recipients are deferred with this status, never sent in clear.
 */
public final class TlsFailure extends IOException {

    private static final long serialVersionUID = 1L;

    /** STARTTLS required but not offered or refused. */
    public static final String NOT_OFFERED = "4.7.4";
    /** Handshake, certificate, name, policy or DANE failure. */
    public static final String NOT_AUTHENTICATED = "4.7.5";

    private final String status;
    private final String label;

    /**
     * @param status  {@link #NOT_OFFERED} or {@link #NOT_AUTHENTICATED}
     * @param message printable (no CR/LF), it becomes part of the diagnostic
     */
    public TlsFailure(String status, String message) {
        this(status, "", message);
    }

    public TlsFailure(String status, String message, Throwable cause) {
        this(status, message);
        initCause(cause);
    }

    private TlsFailure(String status, String label, String message) {
        super(message);
        this.status = Objects.requireNonNull(status, "status");
        this.label = label;
        EnhancedStatus.parse(status);
    }

    /**
     * A host DANE refused (RFC 7672 2.2): TLSA records that could not be had, STARTTLS not done although TLSA records
     * announce it (what a downgrade looks like, so 4.7.5 rather than 4.7.4), a certificate that matches no record, no
     * usable record under {@code dane-only}. Always {@link #NOT_AUTHENTICATED}; the diagnostic says "DANE:".
     */
    public static TlsFailure dane(String message) {
        return new TlsFailure(NOT_AUTHENTICATED, "DANE: ", message);
    }

    /** As {@link #dane(String)}, with the failure underneath (a handshake's). */
    public static TlsFailure dane(String message, Throwable cause) {
        TlsFailure failure = dane(message);
        failure.initCause(cause);
        return failure;
    }

    /** What the diagnostic puts before the host: {@code "DANE: "} for DANE's refusals, else nothing. */
    public String label() {
        return label;
    }

    /** The enhanced status code the deferral carries. */
    public String status() {
        return status;
    }
}
