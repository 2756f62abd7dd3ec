package dev.posthorn.smtp;

import java.util.EnumSet;
import java.util.Set;

/** One value of the RCPT NOTIFY parameter (RFC 3461 4.1). */
public enum DsnNotify {
    NEVER,
    SUCCESS,
    FAILURE,
    DELAY;

    /** Parses {@code NEVER} or a comma list of SUCCESS, FAILURE, DELAY (NEVER must stand alone). */
    static Set<DsnNotify> parseList(String value) {
        EnumSet<DsnNotify> set = EnumSet.noneOf(DsnNotify.class);
        for (String item : value.split(",", -1)) {
            DsnNotify notify = null;
            for (DsnNotify candidate : values()) {
                if (Ascii.equalsIgnoreCase(candidate.name(), item)) {
                    notify = candidate;
                }
            }
            if (notify == null || !set.add(notify)) {
                throw new IllegalArgumentException("NOTIFY is NEVER or a list of SUCCESS, FAILURE, DELAY");
            }
        }
        if (set.contains(NEVER) && set.size() > 1) {
            throw new IllegalArgumentException("NOTIFY=NEVER cannot be combined");
        }
        return Set.copyOf(set);
    }
}
