package dev.posthorn.smtp;

/**
 * The path grammar of RFC 5321 4.1.2, with the RFC 6531 3.3 extensions when UTF-8 is allowed. Source routes
 * ({@code <@a,@b:user@c>}) are accepted and ignored, as RFC 5321 4.1.1.3 and appendix C ask.
 */
final class PathGrammar {

    /** RFC 5321 4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
    static final int MAX_PATH = 256;

    private PathGrammar() {
    }

    /** Parses {@code <...>} into a mailbox, or {@code null} for {@code <>} when {@code allowNull}. */
    static Mailbox path(String text, boolean utf8, boolean allowNull) {
        if (Ascii.utf8Length(text) > MAX_PATH) {
            throw new IllegalArgumentException("path longer than 256 octets");
        }
        if (text.length() < 2 || text.charAt(0) != '<' || text.charAt(text.length() - 1) != '>') {
            throw new IllegalArgumentException("path must be enclosed in angle brackets");
        }
        String inner = text.substring(1, text.length() - 1);
        if (inner.isEmpty()) {
            if (allowNull) {
                return null;
            }
            throw new IllegalArgumentException("empty path");
        }
        if (inner.charAt(0) == '@') {
            inner = dropSourceRoute(inner, utf8);
        }
        return mailbox(inner, utf8);
    }

    static Mailbox mailbox(String text, boolean utf8) {
        int at = localPartEnd(text, utf8);
        if (at < 0 || at >= text.length() || text.charAt(at) != '@') {
            throw new IllegalArgumentException("mailbox must be local-part@domain");
        }
        String local = text.substring(0, at);
        String hostText = text.substring(at + 1);
        Host host = hostText.startsWith("[") ? AddressLiteral.parse(hostText) : new Domain(hostText);
        if (!utf8 && !host.isAscii()) {
            throw new IllegalArgumentException("non-ASCII domain needs SMTPUTF8");
        }
        return new Mailbox(local, host);
    }

    static boolean isLocalPart(String text, boolean utf8) {
        return text != null && !text.isEmpty() && localPartEnd(text, utf8) == text.length();
    }

    /** The index just past a valid local part at the start of {@code text}, or -1. */
    private static int localPartEnd(String text, boolean utf8) {
        if (text.isEmpty()) {
            return -1;
        }
        return text.charAt(0) == '"' ? quotedStringEnd(text, utf8) : dotStringEnd(text, utf8);
    }

    private static int dotStringEnd(String text, boolean utf8) {
        int i = 0;
        boolean atomStart = true;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            if (c == '.') {
                if (atomStart) {
                    return -1;
                }
                atomStart = true;
            } else if (Ascii.isAtext(c, utf8)) {
                atomStart = false;
            } else {
                break;
            }
            i += Character.charCount(c);
        }
        return atomStart ? -1 : i;
    }

    private static int quotedStringEnd(String text, boolean utf8) {
        int i = 1;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 >= text.length()) {
                    return -1;
                }
                int next = text.charAt(i + 1);
                if (next < 32 || next > 126) {
                    return -1;
                }
                i += 2;
                continue;
            }
            boolean qtext = c >= 32 && c <= 126 && c != '"' && c != '\\' || c >= 0x80 && utf8 && !Ascii.invisible(c);
            if (!qtext) {
                return -1;
            }
            i += Character.charCount(c);
        }
        return -1;
    }

    private static String dropSourceRoute(String inner, boolean utf8) {
        int colon = inner.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("source route without colon");
        }
        for (String hop : inner.substring(0, colon).split(",", -1)) {
            if (!hop.startsWith("@") || !Domain.isValid(hop.substring(1)) || !utf8 && !Ascii.isAscii(hop)) {
                throw new IllegalArgumentException("invalid source route");
            }
        }
        return inner.substring(colon + 1);
    }
}
