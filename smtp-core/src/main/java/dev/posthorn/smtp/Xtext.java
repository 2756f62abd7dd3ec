package dev.posthorn.smtp;

import java.nio.charset.StandardCharsets;

/** The xtext encoding of RFC 3461 4 (ENVID, ORCPT) and RFC 4954 5 (AUTH=). */
public final class Xtext {

    private Xtext() {
    }

    /**
     * Decodes xtext: printable ASCII except {@code +} and {@code =} stand for themselves, {@code +HH} for any octet.
     *
     * @throws IllegalArgumentException on a character or escape outside the grammar
     */
    public static String decode(String xtext) {
        byte[] out = new byte[xtext.length()];
        int n = 0;
        for (int i = 0; i < xtext.length(); i++) {
            char c = xtext.charAt(i);
            if (c == '+') {
                if (i + 2 >= xtext.length()) {
                    throw new IllegalArgumentException("truncated xtext escape");
                }
                int hi = hex(xtext.charAt(i + 1));
                int lo = hex(xtext.charAt(i + 2));
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c >= 33 && c <= 126 && c != '=') {
                out[n++] = (byte) c;
            } else {
                throw new IllegalArgumentException("invalid character in xtext");
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** Encodes text as xtext (the inverse of {@link #decode}). */
    public static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 33 && c <= 126 && c != '+' && c != '=') {
                out.append((char) c);
            } else {
                out.append('+').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    private static int hex(char c) {
        // RFC 3461 4: hexchar uses upper-case A-F only.
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw new IllegalArgumentException("invalid xtext escape");
    }
}
