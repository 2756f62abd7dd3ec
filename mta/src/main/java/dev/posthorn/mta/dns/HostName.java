package dev.posthorn.mta.dns;

import dev.posthorn.smtp.Domain;
import java.net.IDN;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * A host or mail domain name as DNS is asked for it: ASCII only (U-labels become A-labels, RFC 5890 2.3.2.1), lower
 * case, without the trailing dot, and of RFC 5321 4.1.2 {@code Domain} syntax (letters, digits, hyphens). Names that
 * come back from DNS are checked the same way before they are used, since a DNS answer is untrusted input.
 *
 * @param ascii the name, already in that form
 */
record HostName(String ascii) {

    HostName {
        if (!Domain.isValid(ascii) || !ascii.chars().allMatch(c -> c < 0x80)
                || !ascii.equals(ascii.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("not a host name: " + ascii);
        }
    }

    /**
     * Reads a name as written in an address, a configuration or an MX record: one trailing dot (the DNS root) is
     * dropped, U-labels are converted with {@link IDN#toASCII} (IDNA2003 with STD3 rules: only letters, digits and
     * hyphens).
     *
     * @throws IllegalArgumentException when it is no host name
     */
    static HostName parse(String text) {
        String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (name.isEmpty() || name.endsWith(".")) {
            throw new IllegalArgumentException("not a host name: " + text);
        }
        return new HostName(IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT));
    }

    /** The absolute DNS name, so that no search list is ever applied to it. */
    Name toName() {
        try {
            return Name.fromString(ascii, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + ascii, e);
        }
    }

    @Override
    public String toString() {
        return ascii;
    }
}
