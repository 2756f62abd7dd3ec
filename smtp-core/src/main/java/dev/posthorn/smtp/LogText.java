package dev.posthorn.smtp;

/**
 * The one escaper for text that reaches a log line from a peer or a file: HELO names, addresses, parameters, user
 * names, remote replies, DNS text, header values, exception messages. Every character that could end a line, start a
 * forged one or change how a line reads on a terminal is written as an escape, so that what a log reader sees is what
 * was logged:
 * <ul>
 *   <li>control characters: C0 (CR and LF among them), DEL and C1 (U+0080 to U+009F, NEL U+0085 among them), as
 *       {@code \xHH};</li>
 *   <li>the Unicode line and paragraph separators U+2028 and U+2029, as {@code \\uHHHH};</li>
 *   <li>the bidirectional controls, which reorder what a terminal or viewer shows (the "Trojan Source" attack,
 *       CVE-2021-42574): U+061C, U+200E, U+200F, U+202A to U+202E and U+2066 to U+2069, as {@code \\uHHHH}.</li>
 * </ul>
 * Everything else, other non-ASCII letters included, is kept: an internationalised address stays readable. A lone
 * backslash is kept too, so an escape in the output is not proof of an escape in the input; the escaper keeps lines
 * whole and readable, it does not make them reversible.
 *
 * <p>The daemon's logback configuration applies it once more to every whole message ({@code %msg}), in case a value
 * reaches a log call unescaped; escaping at the source still matters, since a message's own fields can only be told
 * apart there.
 */
public final class LogText {

    private LogText() {
    }

    /** {@code value} with every character above escaped; {@code "null"} for null. */
    public static String escape(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean unsafe = unsafe(c);
            if (unsafe && out == null) {
                out = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            if (out != null) {
                if (!unsafe) {
                    out.append(c);
                } else if (c <= 0xff) {
                    out.append(String.format("\\x%02x", (int) c));
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out == null ? value : out.toString();
    }

    /** {@code value}'s text ({@link String#valueOf}), escaped: for records and exceptions that quote peer text. */
    public static String escape(Object value) {
        return escape(value == null ? null : value.toString());
    }

    /** Whether {@code c} is written as an escape. */
    static boolean unsafe(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029' || isBidiControl(c);
    }

    /** The bidirectional formatting characters of Unicode (UAX #9 2): marks, embeddings, overrides, isolates. */
    private static boolean isBidiControl(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || c >= '\u202a' && c <= '\u202e'
                || c >= '\u2066' && c <= '\u2069';
    }
}
