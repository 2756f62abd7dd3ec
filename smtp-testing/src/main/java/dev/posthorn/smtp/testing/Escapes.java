package dev.posthorn.smtp.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The backslash escapes of a {@code C~} line, in both directions. Decoding turns a dialogue line into the exact bytes
 * to send; encoding turns bytes seen on the wire back into the same notation, so a transcript can be pasted into a
 * dialogue file and a peer can never smuggle a raw control character (a terminal escape, a CR that overwrites the
 * line) into a test report.
 */
final class Escapes {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private Escapes() {
    }

    /**
     * Decodes {@code \r}, {@code \n}, {@code \t}, {@code \\} and {@code \xHH}; every other character is sent as UTF-8.
     *
     * @throws IllegalArgumentException for an unknown or incomplete escape, or a raw control character other than TAB
     */
    static byte[] decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                if (isControl(c) && c != '\t') {
                    throw new IllegalArgumentException("raw control character U+" + HEX.toHexDigits(c)
                            + " (write it as \\xHH)");
                }
                literal.append(c);
                continue;
            }
            out.writeBytes(literal.toString().getBytes(StandardCharsets.UTF_8));
            literal.setLength(0);
            if (i + 1 == text.length()) {
                throw new IllegalArgumentException("backslash at the end of the line");
            }
            char escape = text.charAt(++i);
            switch (escape) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    if (i + 2 >= text.length() || !HexFormat.isHexDigit(text.charAt(i + 1))
                            || !HexFormat.isHexDigit(text.charAt(i + 2))) {
                        throw new IllegalArgumentException("\\x needs two hex digits");
                    }
                    out.write(HexFormat.fromHexDigits(text, i + 1, i + 3));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + printable(String.valueOf(escape)));
            }
        }
        out.writeBytes(literal.toString().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /**
     * Bytes from the wire in {@code C~} notation: printable ASCII and valid UTF-8 as they are, a backslash doubled,
     * CR, LF and TAB as {@code \r \n \t}, any other control byte or invalid UTF-8 as {@code \xHH}, and invisible or
     * control code points beyond ASCII as {@code \\uXXXX}.
     */
    static String encode(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length + 16);
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xff;
            if (b < 0x80) {
                switch (b) {
                    case '\r' -> out.append("\\r");
                    case '\n' -> out.append("\\n");
                    case '\t' -> out.append("\\t");
                    case '\\' -> out.append("\\\\");
                    default -> {
                        if (b < 0x20 || b == 0x7f) {
                            out.append("\\x").append(HEX.toHexDigits((byte) b));
                        } else {
                            out.append((char) b);
                        }
                    }
                }
                i++;
                continue;
            }
            int length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
            String decoded = length > 1 && i + length <= bytes.length
                    ? new String(bytes, i, length, StandardCharsets.UTF_8) : "\uFFFD";
            if (decoded.indexOf('\uFFFD') >= 0 || decoded.codePointCount(0, decoded.length()) != 1) {
                out.append("\\x").append(HEX.toHexDigits((byte) b));
                i++;
                continue;
            }
            appendCodePoint(out, decoded.codePointAt(0));
            i += length;
        }
        return out.toString();
    }

    /**
     * Text that did not come from the wire byte for byte (exception messages, reply text) with every control or
     * invisible character replaced by {@code \\uXXXX}; backslashes stay as they are.
     */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> appendCodePoint(out, cp));
        return out.toString();
    }

    private static void appendCodePoint(StringBuilder out, int cp) {
        int type = Character.getType(cp);
        if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE
                || type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
            out.append(String.format("\\u%04X", cp));
        } else {
            out.appendCodePoint(cp);
        }
    }

    private static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f;
    }
}
