package dev.posthorn.mta.tls;

/**
 * Text from a peer (a certificate's names, a TLS error that quotes them, an HTTP server's reply) made safe for a
 * log line or an SMTP diagnostic: control characters and non-ASCII escaped, so no CR or LF gets through, and the
 * length bounded.
 */
public final class Printable {

    private static final int LIMIT = 300;

    private Printable() {
    }

    public static String of(String text) {
        if (text == null) {
            return "(no detail)";
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(LIMIT).forEach(c -> {
            if (c >= 0x20 && c < 0x7F) {
                out.appendCodePoint(c);
            } else {
                out.append(String.format("\\u%04x", c));
            }
        });
        return text.codePointCount(0, text.length()) > LIMIT ? out.append("...").toString() : out.toString();
    }
}
