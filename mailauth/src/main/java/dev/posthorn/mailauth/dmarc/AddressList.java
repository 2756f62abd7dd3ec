package dev.posthorn.mailauth.dmarc;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The address list grammar of RFC 5322 3.4, read only as far as finding each addr-spec needs. */
public final class AddressList {
    static final Pattern HOST = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

    private AddressList() {
    }

    /**
     * The addr-specs of a mailbox-list or address-list: comments dropped, quoted strings kept as written,
     * groups opened, angle brackets (and an obsolete route before {@code :}) taken off.
     */
    public static List<String> split(String value) {
        List<String> addresses = new ArrayList<>();
        StringBuilder plain = new StringBuilder();   // the current entry outside angle brackets
        StringBuilder angle = null;                   // inside <...>, or null
        String bracketed = null;                      // the last complete <...> of the current entry
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '(') {
                i = skipComment(value, i);
                plain.append(' ');
                continue;
            }
            if (c == '"') {
                int end = skipQuoted(value, i);
                (angle != null ? angle : plain).append(value, i, end);
                i = end;
                continue;
            }
            if (angle != null) {
                if (c == '>') {
                    bracketed = angle.toString();
                    angle = null;
                } else {
                    angle.append(c);
                }
            } else if (c == '<') {
                angle = new StringBuilder();
            } else if (c == ':') {
                plain.setLength(0);   // a group's display name (RFC 5322 3.4)
            } else if (c == ',' || c == ';') {
                add(addresses, plain, bracketed);
                plain.setLength(0);
                bracketed = null;
            } else if (c != '\r' && c != '\n') {
                plain.append(c);
            }
            i++;
        }
        add(addresses, plain, angle != null ? null : bracketed);
        return addresses;
    }

    private static void add(List<String> addresses, StringBuilder plain, String bracketed) {
        String address = bracketed != null ? withoutRoute(bracketed) : plain.toString();
        address = address.strip().replaceAll("\\s+", "");
        if (!address.isEmpty()) {
            addresses.add(address);
        }
    }

    private static String withoutRoute(String angle) {
        String text = angle.strip();
        if (text.startsWith("@")) {
            int colon = text.indexOf(':');
            return colon < 0 ? "" : text.substring(colon + 1);
        }
        return text;
    }

    /** The index just past a (nested) comment starting at {@code start}. */
    private static int skipComment(String value, int start) {
        int depth = 0;
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        return value.length();
    }

    /** The index just past a quoted string starting at {@code start}. */
    private static int skipQuoted(String value, int start) {
        for (int i = start + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return value.length();
    }
}
