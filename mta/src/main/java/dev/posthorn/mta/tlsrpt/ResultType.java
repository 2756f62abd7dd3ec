package dev.posthorn.mta.tlsrpt;

import java.util.Locale;

/** Why a session's TLS failed, as RFC 8460 4.3 names it in {@code result-type}. */
public enum ResultType {
    /** 4.3.1: the receiving MX does not offer STARTTLS, or it failed. */
    STARTTLS_NOT_SUPPORTED,
    /** 4.3.1: the certificate does not name the MX host. */
    CERTIFICATE_HOST_MISMATCH,
    /** 4.3.1: the certificate has expired. */
    CERTIFICATE_EXPIRED,
    /** 4.3.1: the certificate does not chain to a trusted root. */
    CERTIFICATE_NOT_TRUSTED,
    /** 4.3.1 (catch-all of 4.3.3): any other failure to validate the session against the policy. */
    VALIDATION_FAILURE,
    /** 4.3.2.1: the TLSA records could not be used. */
    TLSA_INVALID,
    /** 4.3.2.1: no DNSSEC-validated answer where one was required. */
    DNSSEC_INVALID,
    /** 4.3.2.1: DANE was required and no usable TLSA records were there. */
    DANE_REQUIRED,
    /** 4.3.2.2: the MTA-STS policy could not be fetched. */
    STS_POLICY_FETCH_ERROR,
    /** 4.3.2.2: the MTA-STS policy did not parse, or the MX host is not in it. */
    STS_POLICY_INVALID,
    /** 4.3.2.2: the policy host's certificate did not validate. */
    STS_WEBPKI_INVALID;

    /** The name in a report: {@code starttls-not-supported}, ... */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
