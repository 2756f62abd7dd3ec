package dev.posthorn.mta.spool;

import java.util.Objects;

/**
 * A message in the queue: its envelope, its body length, and its delivery state.
 *
 * @param envelope   the envelope as committed
 * @param bodyLength octets of the body
 * @param state      the delivery state (initial when no attempt was made)
 */
public record QueuedMessage(SpoolEnvelope envelope, long bodyLength, DeliveryState state) {

    public QueuedMessage {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(state, "state");
        if (state.recipients().size() != envelope.recipients().size()) {
            throw new IllegalArgumentException("state and envelope disagree on the recipients");
        }
    }

    public String id() {
        return envelope.id();
    }

    /** Octets delivered: the prepended header fields and the body. */
    public long messageLength() {
        return envelope.prependedHeaders().length + bodyLength;
    }

    public QueuedMessage with(DeliveryState newState) {
        return new QueuedMessage(envelope, bodyLength, newState);
    }
}
