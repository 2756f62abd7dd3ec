package dev.posthorn.mta.delivery;

import dev.posthorn.smtp.Reply;
import java.util.Objects;

/** What became of one recipient in one delivery attempt: a closed set. */
public sealed interface Outcome {

    /** A short, loggable description: the remote reply or the local error. */
    String diagnostic();

    /**
     * What a server's reply to one recipient means, for SMTP and LMTP alike: 2xx delivered, 4xx deferred, 5xx
     * failed (RFC 5321 4.2.1, RFC 2033 4.2).
     *
     * @param remote   who answered, as the diagnostic names it ({@code host[address] (TLS)}, {@code LMTP ...})
     * @param handover where a delivered copy went
     */
    static Outcome of(String remote, Reply reply, Handover handover) {
        String diagnostic = remote + " said: " + reply;
        if (reply.isPositive()) {
            return new Delivered(diagnostic, handover);
        }
        return reply.isTransientFailure() ? new Deferred(diagnostic) : new Failed(diagnostic);
    }

    /**
     * @param diagnostic where it went, e.g. the Maildir file or the LMTP server's reply
     * @param handover   whether it reached the mailbox or another MTA, which decides who reports success
     */
    record Delivered(String diagnostic, Handover handover) implements Outcome {
        public Delivered {
            Objects.requireNonNull(diagnostic, "diagnostic");
            Objects.requireNonNull(handover, "handover");
        }

        /** Final delivery: into a mailbox. */
        public Delivered(String diagnostic) {
            this(diagnostic, Handover.FINAL);
        }
    }

    /**
     * Where a delivered copy went, which decides who reports its success when the sender asked NOTIFY=SUCCESS
     * (RFC 3461 5.2.2, 5.2.3; the Action field of RFC 3464 2.3.3).
     */
    enum Handover {
        /** Into the mailbox (Maildir, an LMTP server, discard): this MTA reports "delivered". */
        FINAL,
        /** To an SMTP server that did not take the DSN request (not offered, or none to pass): "relayed". */
        RELAYED,
        /** To an SMTP server that offered DSN and was given NOTIFY: the next hop reports, this MTA does not. */
        PASSED_ON
    }

    /** A temporary failure: try again later. */
    record Deferred(String diagnostic) implements Outcome {
        public Deferred {
            Objects.requireNonNull(diagnostic, "diagnostic");
        }
    }

    /** A permanent failure: the sender must be told. */
    record Failed(String diagnostic) implements Outcome {
        public Failed {
            Objects.requireNonNull(diagnostic, "diagnostic");
        }
    }
}
