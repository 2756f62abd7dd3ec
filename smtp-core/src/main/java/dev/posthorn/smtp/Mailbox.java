package dev.posthorn.smtp;

import java.util.Locale;
import java.util.Objects;

/**
 * A mailbox (RFC 5321 4.1.2): {@code local-part@host}. The local part is kept exactly as written, quotes included
 * ({@code "john doe"}), because only the receiving system may interpret it (RFC 5321 2.4).
 *
 * @param localPart the local part as written (dot-string or quoted string), at most 64 octets
 * @param host      the domain or address literal
 */
public record Mailbox(String localPart, Host host) {

    /** RFC 5321 4.5.3.1.1. */
    public static final int MAX_LOCAL_PART = 64;

    public Mailbox {
        Objects.requireNonNull(host, "host");
        if (!PathGrammar.isLocalPart(localPart, true)) {
            throw new IllegalArgumentException("invalid local part: " + Ascii.printable(localPart));
        }
        if (Ascii.utf8Length(localPart) > MAX_LOCAL_PART) {
            throw new IllegalArgumentException("local part longer than 64 octets");
        }
    }

    /**
     * Parses {@code local@domain} (no angle brackets). {@code utf8} allows RFC 6531 addresses.
     *
     * @throws IllegalArgumentException with the reason, if the text is not a mailbox
     */
    public static Mailbox parse(String text, boolean utf8) {
        return PathGrammar.mailbox(text, utf8);
    }

    /** Whether local part and host are plain ASCII (RFC 6531: otherwise SMTPUTF8 is needed). */
    public boolean isAscii() {
        return localPart.chars().allMatch(c -> c < 0x80) && host.isAscii();
    }

    public boolean isQuoted() {
        return localPart.startsWith("\"");
    }

    /** The local part with quoting removed ({@code "john doe"} gives {@code john doe}). */
    public String unquotedLocalPart() {
        if (!isQuoted()) {
            return localPart;
        }
        StringBuilder out = new StringBuilder(localPart.length());
        for (int i = 1; i < localPart.length() - 1; i++) {
            char c = localPart.charAt(i);
            if (c == '\\') {
                i++;
                c = localPart.charAt(i);
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The domain, if the host is one. */
    public Domain domain() {
        return host instanceof Domain d ? d : null;
    }

    /** Local part as written, {@code @}, host lower-cased: the form used to compare and to look up. */
    public String canonical() {
        return localPart + "@" + host.text().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return localPart + "@" + host.text();
    }
}
