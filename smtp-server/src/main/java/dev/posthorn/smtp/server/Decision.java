package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Reply;
import java.util.Objects;

/**
 * What a {@link SessionPolicy} or {@link SessionHandler} decides about one step of a session: a closed set.
 * {@link Pass} is no decision: in a chain the next one is asked, and the server takes it as acceptance.
 */
public sealed interface Decision {

    /** Go on; {@code reply} replaces the server's default positive reply when not {@code null}. */
    record Accept(Reply reply) implements Decision {
        public Accept {
            if (reply != null && !reply.isPositive()) {
                throw new IllegalArgumentException("an accepting reply must be 2xx or 3xx: " + reply);
            }
        }
    }

    /** Refuse this step for good (5xx); the session goes on. */
    record Reject(Reply reply) implements Decision {
        public Reject {
            Objects.requireNonNull(reply, "reply");
            if (!reply.isPermanentFailure()) {
                throw new IllegalArgumentException("a rejection must be 5xx: " + reply);
            }
        }
    }

    /** Refuse this step for now (4xx); the session goes on. */
    record Defer(Reply reply) implements Decision {
        public Defer {
            Objects.requireNonNull(reply, "reply");
            if (!reply.isTransientFailure()) {
                throw new IllegalArgumentException("a deferral must be 4xx: " + reply);
            }
        }
    }

    /** Send the reply (4xx or 5xx, usually 421 or 554) and close the connection. */
    record Disconnect(Reply reply) implements Decision {
        public Disconnect {
            Objects.requireNonNull(reply, "reply");
            if (reply.isPositive()) {
                throw new IllegalArgumentException("a disconnect reply must be 4xx or 5xx: " + reply);
            }
        }
    }

    /** No opinion: ask the next policy or handler ({@link SessionPolicy#chain}, {@link SessionHandler#chain}). */
    record Pass() implements Decision {
    }

    Decision ACCEPT = new Accept(null);

    Decision PASS = new Pass();

    /** No opinion (see {@link Pass}). */
    static Decision next() {
        return PASS;
    }

    static Decision accept() {
        return ACCEPT;
    }

    static Decision reject(Reply reply) {
        return new Reject(reply);
    }

    static Decision defer(Reply reply) {
        return new Defer(reply);
    }

    static Decision disconnect(Reply reply) {
        return new Disconnect(reply);
    }
}
