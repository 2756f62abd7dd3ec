package dev.posthorn.mailauth.dkim;

import java.util.Locale;

/**
 * One header field as it was received: its name and its whole text, continuation lines and the final line break
 * included. The text is ISO-8859-1, one char per octet, so that it gives back exactly the octets of the message
 * (8-bit header text included) to the canonicalization.
 *
 * @param name the name as written, without the white space some writers put before the colon
 * @param raw  the whole field, as received
 */
public record HeaderField(String name, String raw) {

    /** The name in lower case, for comparisons (field names are case-insensitive, RFC 5322 1.2.2). */
    public String key() {
        return name.toLowerCase(Locale.ROOT);
    }

    /** The text after the colon, as written (leading space, folding and line break included). */
    public String value() {
        int colon = raw.indexOf(':');
        return colon < 0 ? "" : raw.substring(colon + 1);
    }

    public boolean is(String other) {
        return name.equalsIgnoreCase(other);
    }
}
