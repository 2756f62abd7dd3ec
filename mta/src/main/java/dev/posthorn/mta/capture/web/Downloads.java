package dev.posthorn.mta.capture.web;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/** The headers of an attachment download: a content type that cannot turn into a page, a file name that is safe. */
final class Downloads {

    /** Images a browser shows in {@code <img>} (for cid: links); everything else is downloaded as octets. */
    private static final Pattern IMAGE = Pattern.compile("image/(png|jpeg|gif|webp|bmp)");
    private static final int MAX_NAME = 100;

    private Downloads() {
    }

    /**
     * The declared type when it is a plain image, else {@code application/octet-stream}: an attachment declared as
     * HTML or SVG must never render as this origin's page (with {@code nosniff} and a sandboxing CSP beside).
     */
    static String contentType(String declared) {
        String type = declared == null ? "" : declared.strip().toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        type = semicolon < 0 ? type : type.substring(0, semicolon).strip();
        return IMAGE.matcher(type).matches() ? type : "application/octet-stream";
    }

    /**
     * {@code attachment} with an ASCII name of letters, digits, dot, dash and underscore (others become {@code _},
     * no leading dot, so no path and no hidden file), and the original name in {@code filename*} (RFC 6266 4.3,
     * RFC 8187 percent-encoding) without its control characters and path separators.
     */
    static String disposition(String filename, int index) {
        String original = filename == null ? "" : filename.codePoints()
                .filter(c -> c >= ' ' && c != 0x7f && c != '/' && c != '\\')
                .limit(MAX_NAME).collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString().strip();
        String ascii = original.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._]+", "");
        if (ascii.isEmpty() || ascii.chars().allMatch(c -> c == '_')) {
            ascii = "attachment-" + index;
        }
        StringBuilder header = new StringBuilder("attachment; filename=\"").append(ascii).append('"');
        if (!original.isEmpty() && !original.equals(ascii)) {
            header.append("; filename*=UTF-8''").append(percentEncoded(original));
        }
        return header.toString();
    }

    /** RFC 8187 3.2.1: attr-char stays, every other octet of the UTF-8 form is %XX. */
    private static String percentEncoded(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
