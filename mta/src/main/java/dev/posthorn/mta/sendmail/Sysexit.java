package dev.posthorn.mta.sendmail;

/** The exit codes of sysexits.h that sendmail's callers (cron, PHP, git send-email) know. */
public enum Sysexit {
    OK(0),
    /** The command was used incorrectly: an unknown option, no recipient. */
    USAGE(64),
    /** The input data was incorrect: bad line ends, an over-long line, a bad address, a message too large. */
    DATAERR(65),
    /** An addressee is unknown. */
    NOUSER(67),
    /** An internal software error. */
    SOFTWARE(70),
    /** Not allowed: the spool belongs to another user. */
    NOPERM(77),
    /** A temporary failure (the spool cannot be written now): the caller may try again later. */
    TEMPFAIL(75),
    /** The configuration is unusable. */
    CONFIG(78);

    private final int code;

    Sysexit(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
