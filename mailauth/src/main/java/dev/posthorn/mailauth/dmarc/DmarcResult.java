package dev.posthorn.mailauth.dmarc;

import java.util.Locale;

/** DMARC's results as Authentication-Results names them (RFC 7489 11.2). */
public enum DmarcResult {
    /** No policy record was found for the author domain or its organisational domain. */
    NONE,
    /** An aligned identifier passed SPF or DKIM. */
    PASS,
    /** A policy exists and no aligned identifier passed. */
    FAIL,
    /** The policy could not be looked up (a DNS failure). */
    TEMPERROR,
    /** The message names no single author domain (see {@link Author}). */
    PERMERROR;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
