package dev.posthorn.smtp;

/** Small character-class checks of RFC 5321 and RFC 5322, shared by the value types. */
final class Ascii {

    private Ascii() {
    }

    /**
     * RFC 5322 3.2.3 atext, extended by RFC 6531 3.3 with the non-ASCII characters when {@code utf8}, less those
     * that are {@link #invisible}.
     */
    static boolean isAtext(int c, boolean utf8) {
        if (c >= 0x80) {
            return utf8 && !invisible(c);
        }
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /**
     * Characters that change how text around them is shown or split, never letters of a name: the C1 controls
     * (U+0085 is a line break to some readers), the Unicode line and paragraph separators, and the bidirectional
     * formatting characters (U+200E/F, U+202A-202E, U+2066-2069), with which an address reads as another in a log,
     * a Return-Path or a report. RFC 6531 3.3 allows any UTF-8 in an address; RFC 8264's IdentifierClass, like every
     * mail system that shows addresses to people, leaves these out.
     */
    static boolean invisible(int c) {
        return c >= 0x80 && c <= 0x9f || c == 0x2028 || c == 0x2029 || c == 0x200e || c == 0x200f
                || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
    }

    /** Whether {@code text} holds an {@link #invisible} character. */
    static boolean hasInvisible(String text) {
        return text.codePoints().anyMatch(Ascii::invisible);
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /**
     * Case-insensitive equality of ASCII letters only. {@link String#equalsIgnoreCase} folds Unicode case, so it
     * would match {@code "\u0131"} (dotless i) with {@code "I"} and {@code "\u017f"} (long s) with {@code "S"}.
     */
    static boolean equalsIgnoreCase(String a, String b) {
        return isAscii(a) && isAscii(b) && a.equalsIgnoreCase(b);
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** A loggable form of untrusted text: control characters become {@code ?}, and long text is cut. */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), 80));
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }

    /** Refuses null and any control character (CR and LF above all): command values go back on the wire. */
    static String requireText(String s, String name) {
        if (s == null) {
            throw new NullPointerException(name);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(name + " contains a control character");
            }
        }
        return s;
    }
}
