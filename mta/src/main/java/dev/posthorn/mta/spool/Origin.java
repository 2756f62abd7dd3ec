package dev.posthorn.mta.spool;

import java.util.Locale;

/**
 * Who handed a message in, as far as this MTA can vouch for its reverse path: recorded in the envelope at the
 * commit ({@link SpoolEnvelope.Client#origin()}), read when deciding which reports the sender may get. A client that
 * is neither trusted nor authenticated can name anyone as the sender, so what is mailed back to that address (a
 * success or delay report with the message attached) would be mail of the client's making to an address of its
 * choosing.
 */
public enum Origin {
    /** A client outside the trusted networks that did not authenticate: its reverse path is only a claim. */
    UNTRUSTED,
    /** A client in a trusted network, or this MTA itself (its own reports). */
    TRUSTED,
    /** A user who authenticated (AUTH, or a local user of sendmail). */
    AUTHENTICATED;

    /** The word the envelope text records. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The origin a recorded word names. A message without one (queued before it was recorded) or with an unknown
     * one counts as untrusted: the safe reading.
     */
    static Origin of(String keyword) {
        for (Origin origin : values()) {
            if (origin.keyword().equals(keyword)) {
                return origin;
            }
        }
        return UNTRUSTED;
    }
}
