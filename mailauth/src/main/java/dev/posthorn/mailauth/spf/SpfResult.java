package dev.posthorn.mailauth.spf;

import java.util.Locale;

/** The results of {@code check_host()} (RFC 7208 2.6), named in Authentication-Results as {@link #keyword()}. */
public enum SpfResult {
    /** No SPF record, or no domain to check (RFC 7208 2.6.1). */
    NONE,
    /** The domain says nothing about this client (2.6.2). */
    NEUTRAL,
    /** The client is authorised (2.6.3). */
    PASS,
    /** The client is not authorised (2.6.4). */
    FAIL,
    /** Probably not authorised, but the domain does not want a strong reaction (2.6.5). */
    SOFTFAIL,
    /** A transient DNS error; a later check may succeed (2.6.6). */
    TEMPERROR,
    /** The domain's records are broken; only the domain owner can fix them (2.6.7). */
    PERMERROR;

    /** The lower-case name used in Authentication-Results and Received-SPF. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
