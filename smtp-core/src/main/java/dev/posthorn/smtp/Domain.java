package dev.posthorn.smtp;

import java.util.Locale;

/**
 * A domain name (RFC 5321 4.1.2 {@code Domain}): dot-separated labels of letters, digits and hyphens, not starting
 * or ending with a hyphen; U-labels (non-ASCII letters) are allowed and make the domain need SMTPUTF8 (RFC 6531).
 * Equality ignores ASCII case, as DNS does.
 *
 * @param text the name as written, without a trailing dot
 */
public record Domain(String text) implements Host {

    /** RFC 5321 4.5.3.1.2. */
    public static final int MAX_LENGTH = 255;
    /** RFC 1035 2.3.4. */
    public static final int MAX_LABEL_LENGTH = 63;

    public Domain {
        String problem = problem(text);
        if (problem != null) {
            throw new IllegalArgumentException(problem + ": " + Ascii.printable(text));
        }
    }

    /** Whether {@code text} is a valid domain (ASCII or U-labels). */
    public static boolean isValid(String text) {
        return problem(text) == null;
    }

    /** The lower-cased form, used for comparisons and lookups. */
    public String canonical() {
        return text.toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Domain d && d.canonical().equals(canonical());
    }

    @Override
    public int hashCode() {
        return canonical().hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    private static String problem(String text) {
        if (text == null || text.isEmpty()) {
            return "empty domain";
        }
        if (Ascii.utf8Length(text) > MAX_LENGTH) {
            return "domain longer than 255 octets";
        }
        int labelStart = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '.') {
                String label = text.substring(labelStart, i);
                if (label.isEmpty()) {
                    return "empty label in domain";
                }
                if (Ascii.utf8Length(label) > MAX_LABEL_LENGTH) {
                    return "domain label longer than 63 octets";
                }
                if (!isLetDig(label.charAt(0)) || !isLetDig(label.charAt(label.length() - 1))) {
                    return "domain label must start and end with a letter or digit";
                }
                for (int j = 0; j < label.length(); j++) {
                    char c = label.charAt(j);
                    if (!isLetDig(c) && c != '-') {
                        return "invalid character in domain";
                    }
                }
                labelStart = i + 1;
            }
        }
        return null;
    }

    private static boolean isLetDig(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c >= 0x80 && Character.isLetterOrDigit(c) || Character.isSurrogate(c);
    }
}
