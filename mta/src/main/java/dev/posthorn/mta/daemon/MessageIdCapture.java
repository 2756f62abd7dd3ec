package dev.posthorn.mta.daemon;

import java.io.InputStream;

/**
 * Passes a message through and keeps the value of its first Message-ID field (RFC 5322 3.6.4) on the way, for the
 * mail log; at most {@value #MAX} octets are kept (a Message-ID is short; the rest is cut).
 */
final class MessageIdCapture extends FieldCapture {

    static final int MAX = 256;

    MessageIdCapture(InputStream in) {
        super(in, "Message-ID", MAX);
    }

    /** The Message-ID as written (angle brackets included, white space around it removed), or null if none. */
    String messageId() {
        return value();
    }
}
