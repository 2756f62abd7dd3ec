package dev.posthorn.mta.capture;

import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.MessageSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The store behind {@code posthorn dev}: the index and metadata in an SQLite database ({@code DIR/index.db}), the
 * bytes of each message as a file beside it ({@code DIR/messages/<id>.eml}). Survives restarts; prunes the oldest
 * beyond {@code maxMessages} and those older than {@code maxAge}. Every path streams: no message is held whole in
 * memory. Thread-safe.
 */
public final class CaptureStore implements MessageSink, AutoCloseable {

    /** A page of a listing, newest first, with the number of all matches. */
    public record Page(List<CapturedMessage> messages, int total) {
    }

    /** One mailbox (a recipient address) and how many messages it holds. */
    public record Mailbox(String address, int messages) {
    }

    private CaptureStore() {
    }

    /**
     * Opens (creating or migrating) the store in {@code dir}.
     *
     * @param maxMessages the most messages kept (the oldest go first)
     * @param maxAge      how long a message is kept, or {@code null} for no limit
     */
    public static CaptureStore open(Path dir, int maxMessages, Duration maxAge, Clock clock) throws IOException {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** Stores a message (from SMTP): the file, then the index row; publishes {@link CaptureEvent.Added}. */
    @Override
    public Reply receive(Envelope envelope, InputStream message) throws IOException {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** Messages matching {@code query}, newest first, from {@code offset}, at most {@code limit}. */
    public Page list(CaptureQuery query, int offset, int limit) {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    public Optional<CapturedMessage> get(String id) {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** The stored bytes of message {@code id} (read-only; may vanish when the message is deleted). */
    public Optional<Path> file(String id) {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** The message's structure (headers, text, HTML, attachments), read from its file. */
    public Optional<MessageView> view(String id) throws IOException {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    public boolean delete(String id) {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** Deletes every message, or those of one mailbox when {@code mailbox} is not {@code null}; returns how many. */
    public int deleteAll(String mailbox) {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** Every mailbox with messages, by address. */
    public List<Mailbox> mailboxes() {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** Calls {@code listener} after each change until the returned handle is closed. */
    public AutoCloseable subscribe(Consumer<CaptureEvent> listener) {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }
}
