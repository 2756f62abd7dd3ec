package dev.posthorn.mta.inbound;

import dev.posthorn.mailauth.arc.ArcResult;
import dev.posthorn.smtp.Reply;
import java.util.Objects;

/** What the inbound checks decided about one message: a closed set. */
public sealed interface InboundVerdict {

    /** A summary of the results for the mail log, e.g. {@code spf=pass dkim=none dmarc=none}. */
    String summary();

    /**
     * Take the message, with {@code headerField} (an Authentication-Results field, CRLF-terminated) put on top.
     *
     * @param arc the ARC chain validation status, for a set this server adds when it forwards the message; none
     *            when the message had no ARC sets or ARC was not checked
     */
    record Accept(String headerField, String summary, ArcResult.Status arc) implements InboundVerdict {
        public Accept {
            Objects.requireNonNull(headerField, "headerField");
            Objects.requireNonNull(summary, "summary");
            Objects.requireNonNull(arc, "arc");
        }

        public Accept(String headerField, String summary) {
            this(headerField, summary, ArcResult.Status.NONE);
        }
    }

    /** Refuse the message with {@code reply} (4xx or 5xx) at the end of DATA; nothing is queued. */
    record Refuse(Reply reply, String summary) implements InboundVerdict {
        public Refuse {
            Objects.requireNonNull(reply, "reply");
            Objects.requireNonNull(summary, "summary");
            if (reply.isPositive()) {
                throw new IllegalArgumentException("a refusal is 4xx or 5xx: " + reply);
            }
        }
    }
}
