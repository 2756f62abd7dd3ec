package dev.posthorn.smtp;

/** The MAIL RET parameter (RFC 3461 4.3): what a DSN carries of the original message. */
public enum DsnReturn {
    FULL,
    HDRS;

    static DsnReturn parse(String value) {
        for (DsnReturn ret : values()) {
            if (Ascii.equalsIgnoreCase(ret.name(), value)) {
                return ret;
            }
        }
        throw new IllegalArgumentException("RET must be FULL or HDRS");
    }
}
