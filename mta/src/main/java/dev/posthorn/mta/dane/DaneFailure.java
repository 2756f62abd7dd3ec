package dev.posthorn.mta.dane;

import java.io.IOException;

/**
 * A connection that DANE does not allow to carry mail: STARTTLS not offered or refused where TLSA records require it,
 * a certificate that matches no TLSA record, TLSA records that could not be had. Delivery moves on to the next MX
 * host, and defers with 4.7.5 when none is left (RFC 7672 2.2; RFC 3463 3.8: "Cryptographic failure").
 */
public final class DaneFailure extends IOException {

    private static final long serialVersionUID = 1L;

    public DaneFailure(String reason) {
        super(reason);
    }

    public DaneFailure(String reason, Throwable cause) {
        super(reason, cause);
    }
}
