package dev.posthorn.mailauth;

import java.util.Optional;

/**
 * Reads the authserv-id that opens an Authentication-Results value (RFC 8601 2.2): what a receiver compares with its
 * own to remove fields a sender forged in its name (RFC 8601 5).
 */
public final class AuthservId {

    /** RFC 2045 5.1 tspecials: what ends a token, besides white space and controls. */
    private static final String SPECIALS = "()<>@,;:\\\"/[]?=";

    private AuthservId() {
    }

    /**
     * The authserv-id of {@code value} (the field's value, unfolded): comments and white space skipped, then a token
     * or a quoted string; empty when there is none.
     */
    public static Optional<String> first(String value) {
        int i = skipCfws(value, 0);
        if (i >= value.length()) {
            return Optional.empty();
        }
        if (value.charAt(i) == '"') {
            StringBuilder id = new StringBuilder();
            for (int j = i + 1; j < value.length(); j++) {
                char c = value.charAt(j);
                if (c == '\\' && j + 1 < value.length()) {
                    id.append(value.charAt(++j));
                } else if (c == '"') {
                    return Optional.of(id.toString());
                } else {
                    id.append(c);
                }
            }
            return Optional.empty();   // unterminated
        }
        int end = i;
        while (end < value.length() && isTokenChar(value.charAt(end))) {
            end++;
        }
        return end > i ? Optional.of(value.substring(i, end)) : Optional.empty();
    }

    /** Whether {@code c} may appear in an RFC 2045 token (printable ASCII other than tspecials). */
    public static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7f && SPECIALS.indexOf(c) < 0;
    }

    /** The index after white space and (nested) comments starting at {@code from}. */
    private static int skipCfws(String value, int from) {
        int i = from;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (c == '(') {
                int depth = 0;
                for (; i < value.length(); i++) {
                    char d = value.charAt(i);
                    if (d == '\\') {
                        i++;
                    } else if (d == '(') {
                        depth++;
                    } else if (d == ')' && --depth == 0) {
                        i++;
                        break;
                    }
                }
            } else {
                break;
            }
        }
        return i;
    }
}
