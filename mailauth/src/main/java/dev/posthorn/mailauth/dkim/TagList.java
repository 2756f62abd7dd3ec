package dev.posthorn.mailauth.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A tag=value list (RFC 6376 3.2), as DKIM-Signature fields and key records are written: parsed strictly, since a
 * lenient reading of signed data is a way to make two parties see different things. A tag name is a letter then
 * letters, digits or underscores; a value is printable ASCII other than {@code ;} with folding white space inside;
 * a name given twice makes the whole list invalid; one trailing {@code ;} is allowed.
 *
 * @param tags by name, in the order written
 */
public record TagList(Map<String, Tag> tags) {

    /**
     * One tag.
     *
     * @param name       the name, as written (names are case-sensitive)
     * @param value      the value without the white space around it
     * @param valueStart where the text after {@code =} starts in the parsed string
     * @param valueEnd   where it ends (at the {@code ;} or the end): the span that holds the value and the white space
     *                   around it, what is removed to blank {@code b=} (RFC 6376 3.7)
     */
    public record Tag(String name, String value, int valueStart, int valueEnd) {
    }

    public TagList {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** @throws IllegalArgumentException with the reason when {@code text} is not a tag list */
    public static TagList parse(String text) {
        Map<String, Tag> tags = new LinkedHashMap<>();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf(';', start);
            if (end < 0) {
                end = text.length();
            }
            int nameStart = skipSpace(text, start, end);
            if (nameStart == end) {
                // Only white space: allowed after the last tag's ';', nowhere else.
                if (end != text.length() || tags.isEmpty()) {
                    throw new IllegalArgumentException("empty tag");
                }
                break;
            }
            int equals = text.indexOf('=', nameStart);
            if (equals < 0 || equals > end) {
                throw new IllegalArgumentException("tag without '='");
            }
            String name = trimSpace(text.substring(nameStart, equals));
            if (!isTagName(name)) {
                throw new IllegalArgumentException("bad tag name");
            }
            String value = trimSpace(text.substring(equals + 1, end));
            checkValue(name, value);
            if (tags.putIfAbsent(name, new Tag(name, value, equals + 1, end)) != null) {
                throw new IllegalArgumentException("tag " + name + " given twice");
            }
            start = end + 1;
        }
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("no tags");
        }
        return new TagList(tags);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name)).map(Tag::value);
    }

    /** The value of a tag that must be there. */
    public String require(String name) {
        return get(name).orElseThrow(() -> new IllegalArgumentException("no " + name + "= tag"));
    }

    /** ALPHA *(ALPHA / DIGIT / "_"). */
    private static boolean isTagName(String name) {
        if (name.isEmpty() || !isAlpha(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    /** VALCHAR (%x21-3A / %x3C-7E) with folding white space between them: CRLF only when white space follows. */
    private static void checkValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = c >= 0x21 && c <= 0x7e && c != ';' || c == ' ' || c == '\t'
                    || c == '\r' && i + 2 < value.length() && value.charAt(i + 1) == '\n' && isSpace(value.charAt(i + 2))
                    || c == '\n' && i > 0 && value.charAt(i - 1) == '\r';
            if (!ok) {
                throw new IllegalArgumentException("bad character in " + name + "= value");
            }
        }
    }

    /** Removes folding white space at both ends. */
    public static String trimSpace(String text) {
        int from = skipSpace(text, 0, text.length());
        int to = text.length();
        while (to > from && isFws(text.charAt(to - 1))) {
            to--;
        }
        return text.substring(from, to);
    }

    /** The text with every folding white space character removed (base64 values, RFC 6376 3.5 b= and bh=). */
    public static String withoutSpace(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!isFws(text.charAt(i))) {
                out.append(text.charAt(i));
            }
        }
        return out.toString();
    }

    private static int skipSpace(String text, int from, int to) {
        while (from < to && isFws(text.charAt(from))) {
            from++;
        }
        return from;
    }

    private static boolean isFws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isAlpha(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
