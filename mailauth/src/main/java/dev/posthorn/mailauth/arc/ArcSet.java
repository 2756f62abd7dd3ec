package dev.posthorn.mailauth.arc;

import dev.posthorn.mailauth.dkim.Canonicalization;
import dev.posthorn.mailauth.dkim.HeaderField;
import java.util.Objects;

/**
 * The three fields of one ARC instance (RFC 8617 4.1), as received.
 *
 * @param instance  {@code i=}, 1 to 50
 * @param results   the ARC-Authentication-Results field
 * @param signature the ARC-Message-Signature field
 * @param seal      the ARC-Seal field, its tags read
 */
record ArcSet(int instance, HeaderField results, HeaderField signature, Seal seal) {

    ArcSet {
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(seal, "seal");
    }

    /**
     * The set as an ARC-Seal signs it (RFC 8617 5.1.1): AAR, AMS, AS in this order, relaxed, each with its line
     * break; the AS itself only for older instances (the seal being made or checked adds its own, without
     * {@code b=}).
     */
    String sealed(boolean withSeal) {
        String text = Canonicalization.RELAXED.header(results) + Canonicalization.RELAXED.header(signature);
        return withSeal ? text + Canonicalization.RELAXED.header(seal.field()) : text;
    }
}
