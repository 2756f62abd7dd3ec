package dev.posthorn.junit;

import java.util.Locale;

/** Comparing mail addresses as a test means them. */
final class Addresses {

    private Addresses() {
    }

    /**
     * Whether two addresses name the same mailbox: the local part exactly (RFC 5321 2.4: only the receiving host may
     * treat it as case-insensitive), the domain in any case; angle brackets and surrounding space ignored.
     */
    static boolean same(String a, String b) {
        String x = bare(a);
        String y = bare(b);
        int atX = x.lastIndexOf('@');
        int atY = y.lastIndexOf('@');
        if (atX < 0 || atY < 0) {
            return x.equalsIgnoreCase(y); // postmaster
        }
        return x.substring(0, atX).equals(y.substring(0, atY))
                && x.substring(atX).toLowerCase(Locale.ROOT).equals(y.substring(atY).toLowerCase(Locale.ROOT));
    }

    private static String bare(String address) {
        String trimmed = address.strip();
        if (trimmed.startsWith("<") && trimmed.endsWith(">")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed;
    }
}
