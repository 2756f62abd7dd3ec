package dev.posthorn.mailauth.dns;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * A DNS name made from text that comes from untrusted places (a MAIL FROM domain, a macro expansion in someone's SPF
 * record, a DKIM selector): any text is accepted and turned into a name octet by octet, so that nothing in it is read
 * as zone-file syntax. Every octet other than a letter, digit, hyphen or underscore is escaped as {@code \DDD}.
 */
final class QueryName {

    private QueryName() {
    }

    /**
     * The absolute DNS name for {@code text} (a trailing dot is allowed), or empty when no such name can exist: an
     * empty label, a label over 63 octets, a name over 255 octets (RFC 1035 2.3.4).
     */
    static Optional<Name> of(String text) {
        String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (name.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder escaped = new StringBuilder();
        for (String label : name.split("\\.", -1)) {
            byte[] octets = label.getBytes(StandardCharsets.UTF_8);
            if (octets.length == 0 || octets.length > 63) {
                return Optional.empty();
            }
            for (byte b : octets) {
                int c = b & 0xff;
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                    escaped.append((char) c);
                } else {
                    escaped.append('\\').append(String.format(Locale.ROOT, "%03d", c));
                }
            }
            escaped.append('.');
        }
        try {
            return Optional.of(Name.fromString(escaped.toString()));
        } catch (TextParseException e) {
            return Optional.empty(); // longer than 255 octets
        }
    }

    /** A name from an answer as text: lower case, without the trailing dot. */
    static String text(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }
}
