package dev.posthorn.mta.spool;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The durable queue: messages with their envelopes, the delivery state of each recipient and the attempt history.
 * Everything the daemon, the queue runner and the operator's commands do with queued mail goes through this
 * interface; {@link FileSpool} keeps it in a folder (the default, one node), and a database keeps it for several
 * nodes sharing one queue.
 *
 * <p>The promise every implementation keeps: {@link MessageWriter#commit} returns only once the message and its
 * envelope survive a crash or power loss, and {@link #save} only once the new state does; nothing else decides
 * whether a 250 may be sent or an attempt counted.
 */
public interface Spool {

    /** Opens (creating if needed) the file spool at {@code root}. Call {@link #clean()} once before using it. */
    static FileSpool open(Path root) throws IOException {
        return FileSpool.open(root);
    }

    /** Opens the file spool at {@code root} for local submissions beside the daemon (sendmail). */
    static FileSpool openForSubmission(Path root) throws IOException {
        return FileSpool.openForSubmission(root);
    }

    /** This node's folder: its lock, self-signed certificate, report counts and the readiness probe's scratch file. */
    Path root();

    /** Room left for new messages, in octets (checked at MAIL against {@code limits.min_free_disk}). */
    long usableSpace() throws IOException;

    /**
     * The start-up sweep, every valid message kept in memory and returned oldest first: for tests and tools; the
     * daemon uses {@link #clean()}.
     */
    List<QueuedMessage> sweep() throws IOException;

    /** The start-up recovery: damaged entries set aside, leftovers of interrupted writes removed. Returns the count. */
    int clean() throws IOException;

    /**
     * The earliest-due messages: up to {@code max} due by {@code horizon}, skipping those {@code skip} names (already
     * in memory), and when the next one not returned falls due.
     */
    Scan scan(Instant horizon, int max, Predicate<String> skip) throws IOException;

    /** One queued message for a look, never changing anything; empty when it is not (or no longer) queued. */
    Optional<QueuedMessage> peek(String id) throws IOException;

    /** The ids of the queued messages in id order (arrival order), at most {@code max}. */
    List<String> ids(int max) throws IOException;

    /** How many queued messages are due by {@code now}, due later, and held. */
    Scan.Census census(Instant now) throws IOException;

    /** Appends one line to the message's attempt history ({@link History}); false when older lines had to go. */
    boolean appendHistory(String id, String line) throws IOException;

    /** The message's attempt history, oldest first; empty when it has none. */
    List<String> history(String id) throws IOException;

    /** One queued message with its delivery state, for delivery; empty when it is no longer queued. */
    Optional<QueuedMessage> load(String id) throws IOException;

    /** Starts writing a new message with queue id {@code id}. */
    MessageWriter writer(String id) throws IOException;

    /** The message as received (the body only, without the envelope's prepended header fields). */
    InputStream rawBody(QueuedMessage message) throws IOException;

    /** The message as delivered: the envelope's prepended header fields, then the body as received. */
    default InputStream body(QueuedMessage message) throws IOException {
        InputStream body = rawBody(message);
        byte[] headers = message.envelope().prependedHeaders();
        return headers.length == 0 ? body
                : new java.io.SequenceInputStream(new ByteArrayInputStream(headers), body);
    }

    /** The message as delivered, for the transports: {@link #body} opened afresh at each use. */
    default MessageBody content(QueuedMessage message) {
        Spool spool = this;
        return new MessageBody() {
            @Override
            public InputStream open() throws IOException {
                return spool.body(message);
            }

            @Override
            public long size() {
                return message.messageLength();
            }
        };
    }

    /** Records delivery progress durably; when it cannot be written the stored state stays as it was. */
    void save(String id, DeliveryState state) throws IOException;

    /**
     * Removes a message whose delivery is finished. {@code hasState} false says no state or history was ever saved
     * for it (a storage may skip looking for them).
     */
    void remove(QueuedMessage message, boolean hasState) throws IOException;

    /** Removes a message by id (the operator's delete); {@code hasState} as for {@link #remove(QueuedMessage, boolean)}. */
    void remove(String id, boolean hasState) throws IOException;

    /** Whether the message is (still) queued. */
    boolean contains(String id);

    /**
     * Before an attempt: whether this node may still deliver the message. Always for a folder, which one daemon owns;
     * a shared queue renews this node's lease, and says no when another node has taken the message over (this node
     * stalled past its lease), so that a message is not delivered twice.
     */
    default boolean mayDeliver(String id) throws IOException {
        return true;
    }

    /**
     * The node that holds each message now, by id, for the operator's list: empty for a folder (its one daemon holds
     * all); a shared queue names the node of every live lease.
     */
    default java.util.Map<String, String> holders() throws IOException {
        return java.util.Map.of();
    }

    /** The node that holds message {@code id} now, as {@link #holders()} would name it, asking for that one only. */
    default Optional<String> holder(String id) throws IOException {
        return Optional.empty();
    }

    /**
     * Before an operator's command on message {@code id}, which this node's runner has set aside: makes this node the
     * one that holds it, so that no other node attempts it while the command works. A folder, which one daemon owns:
     * at once. A shared queue claims it when no node holds it, and otherwise, when {@code patience} is positive, asks
     * the node that does to give it up (that node lets an attempt of it running there end first) and waits up to
     * {@code patience}. True when this node holds it now, or when it is no longer queued; false when another node
     * still holds it. The command ends with {@link #released}.
     */
    default boolean take(String id, java.time.Duration patience) throws IOException {
        return true;
    }

    /**
     * After this node's operator (or an ETRN client) flushed the queue: tells the other nodes sharing it to start
     * at once the messages waiting in their memory with a pending recipient in {@code domain} (every message when
     * empty; and below it when {@code subdomains}). Nothing for a folder.
     */
    default void flushed(Optional<String> domain, boolean subdomains) throws IOException {
    }

    /**
     * Has a shared queue pass on what the other nodes ask of this one ({@link Requests}), from its own thread, until
     * it is closed. Nothing for a folder, which no other node shares.
     */
    default void listen(Requests requests) {
    }

    /** What the other nodes sharing a queue ask of this one; called on the queue's thread, so never blocking. */
    interface Requests {
        /** Another node's operator command needs message {@code id}, which this node holds: give it up. */
        void giveUp(String id);

        /** Another node flushed the queue ({@link #flushed}): start what waits here that the flush names. */
        void flush(Optional<String> domain, boolean subdomains);
    }

    /**
     * The message left this node's memory (it waits for a later attempt, was delivered, or another node took it): a
     * shared queue gives up this node's lease, so any node may take it when it is due. Nothing for a folder.
     */
    default void released(String id) throws IOException {
    }
}
