package dev.posthorn.mta.capture;

import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.MessageSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store behind {@code posthorn dev}: the index and metadata in an SQLite database ({@code DIR/index.db}), the
 * bytes of each message as a file beside it ({@code DIR/messages/<id>.eml}). Survives restarts; prunes the oldest
 * beyond {@code maxMessages} and those older than {@code maxAge}. Every path streams: no message is held whole in
 * memory. Thread-safe. The directories are created 0700 and the files 0600 on POSIX file systems
 * ({@link PrivateFiles}): captured mail can hold real data.
 *
 * <p>A message file is written under a temporary name and renamed into place before its index row is committed, so
 * a listed message always has its bytes. The file is not forced to disk: this store holds captures for a developer
 * to look at, not mail in transit, and a crash that loses the last seconds of captures costs nothing that a
 * developer's re-run does not bring back (unlike the spool, whose 250 promises delivery).
 */
public final class CaptureStore implements MessageSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CaptureStore.class);

    /** Transaction ids as the server makes them; anything else (from an API path) names no file. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    /** A page of a listing, newest first, with the number of all matches. */
    public record Page(List<CapturedMessage> messages, int total) {
        public Page {
            messages = List.copyOf(messages);
        }
    }

    /** One mailbox (a recipient address) and how many messages it holds. */
    public record Mailbox(String address, int messages) {
    }

    private final Path messages;
    private final CaptureIndex index;
    private final int maxMessages;
    private final Duration maxAge;
    private final Clock clock;
    private final EventFanout events = new EventFanout();
    private final ScheduledExecutorService pruner;

    private CaptureStore(Path messages, CaptureIndex index, int maxMessages, Duration maxAge, Clock clock) {
        this.messages = messages;
        this.index = index;
        this.maxMessages = maxMessages;
        this.maxAge = maxAge;
        this.clock = clock;
        this.pruner = maxAge == null ? null : Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("capture-prune").factory());
    }

    /**
     * Opens (creating or migrating) the store in {@code dir}.
     *
     * @param maxMessages the most messages kept (the oldest go first)
     * @param maxAge      how long a message is kept, or {@code null} for no limit
     */
    public static CaptureStore open(Path dir, int maxMessages, Duration maxAge, Clock clock) throws IOException {
        if (maxMessages <= 0) {
            throw new IllegalArgumentException("maxMessages must be positive");
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("maxAge must be positive");
        }
        Path messages = PrivateFiles.directory(PrivateFiles.directory(dir).resolve("messages"));
        deleteTemporaryFiles(messages);
        CaptureIndex index;
        try {
            // SQLite gives the -wal and -shm files the permissions of the database file (its unix VFS does).
            PrivateFiles.file(dir.resolve("index.db"));
            index = CaptureIndex.open(dir.resolve("index.db"));
        } catch (SQLException e) {
            throw new IOException("cannot open the capture index in " + dir + ": " + e.getMessage(), e);
        }
        CaptureStore store = new CaptureStore(messages, index, maxMessages, maxAge, Objects.requireNonNull(clock));
        store.deleteUnindexedFiles();
        store.prune();
        if (store.pruner != null) {
            // Ages are checked every minute, or more often for short ages: a message outlives maxAge by at most that.
            long period = Math.max(1, Math.min(60_000, maxAge.toMillis() / 10));
            store.pruner.scheduleWithFixedDelay(store::pruneQuietly, period, period, TimeUnit.MILLISECONDS);
        }
        return store;
    }

    /** Leftovers of messages that did not arrive whole before a crash. */
    private static void deleteTemporaryFiles(Path messages) throws IOException {
        try (DirectoryStream<Path> tmp = Files.newDirectoryStream(messages, ".*.tmp")) {
            for (Path file : tmp) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Message files whose index row was never committed (a crash between the rename and the commit). */
    private void deleteUnindexedFiles() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(messages, "*.eml")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - ".eml".length());
                if (!ID.matcher(id).matches() || get(id).isEmpty()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Stores a message (from SMTP): the file, then the index row; publishes {@link CaptureEvent.Added}. */
    @Override
    public Reply receive(Envelope envelope, InputStream message) throws IOException {
        String id = envelope.id();
        if (!ID.matcher(id).matches()) {
            throw new IOException("unexpected transaction id");
        }
        Path tmp = messages.resolve("." + id + ".eml.tmp");
        Path file = messages.resolve(id + ".eml");
        try {
            long size;
            try (OutputStream out = PrivateFiles.newOutputStream(tmp)) {
                size = message.transferTo(out);
            }
            MessageFacts facts = MessageFacts.read(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            CapturedMessage captured = captured(envelope, size, facts);
            try {
                index.insert(captured, facts);
            } catch (SQLException e) {
                Files.deleteIfExists(file);
                throw new IOException("cannot index the message: " + e.getMessage(), e);
            }
            events.publish(new CaptureEvent.Added(captured));
            pruneBeyondMaxMessages();
            return Replies.queued(id);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static CapturedMessage captured(Envelope envelope, long size, MessageFacts facts) {
        List<String> recipients = envelope.recipients().stream().map(r -> r.path().isBarePostmaster()
                ? "Postmaster" : r.path().mailbox().toString()).toList();
        var session = envelope.session();
        return new CapturedMessage(envelope.id(), envelope.receivedAt(),
                envelope.sender().isNull() ? "" : envelope.sender().mailbox().toString(), recipients, facts.from(),
                facts.to(), facts.subject(), facts.date(), size, facts.hasAttachments(),
                AddressLiteral.format(session.remote().getAddress()), session.heloName(),
                session.tls() == null ? null : session.tls().protocol(), session.authenticatedUser());
    }

    /** Messages matching {@code query}, newest first, from {@code offset}, at most {@code limit}. */
    public Page list(CaptureQuery query, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        return sql(() -> index.page(Objects.requireNonNull(query, "query"), offset, limit));
    }

    public Optional<CapturedMessage> get(String id) {
        return ID.matcher(id).matches() ? sql(() -> index.get(id)) : Optional.empty();
    }

    /** The stored bytes of message {@code id} (read-only; may vanish when the message is deleted). */
    public Optional<Path> file(String id) {
        return get(id).map(message -> messages.resolve(message.id() + ".eml")).filter(Files::isRegularFile);
    }

    /** The message's structure (headers, text, HTML, attachments), read from its file. */
    public Optional<MessageView> view(String id) throws IOException {
        Optional<Path> file = file(id);
        return file.isEmpty() ? Optional.empty() : Optional.of(MessageView.read(file.get()));
    }

    public boolean delete(String id) {
        return ID.matcher(id).matches() && !remove(List.of(id)).isEmpty();
    }

    /**
     * Deletes message {@code id} from one mailbox (POP3's DELE): the mailbox is taken off the message, which stays
     * in its other recipients' mailboxes and is deleted as a whole only when this was its last one; returns whether
     * it was deleted as a whole (then {@link CaptureEvent.Deleted} is published).
     */
    public boolean delete(String id, String mailbox) {
        if (!ID.matcher(id).matches() || !sql(() -> index.removeFromMailbox(id, Objects.requireNonNull(mailbox)))) {
            return false;
        }
        deleteFiles(List.of(id));
        events.publish(new CaptureEvent.Deleted(id));
        return true;
    }

    /**
     * Deletes every message, or those of one mailbox when {@code mailbox} is not {@code null}; returns how many.
     *
     * <p>For a mailbox, the mailbox is taken off each of its messages: a message that has other recipients stays in
     * their mailboxes (emptying Alice's inbox does not empty Bob's), and one whose last recipient this was is deleted.
     * The count is of the messages the mailbox held. Publishes {@link CaptureEvent.Cleared}, and
     * {@link CaptureEvent.Deleted} for each message deleted as a whole.
     */
    public int deleteAll(String mailbox) {
        if (mailbox == null) {
            List<String> deleted = sql(() -> index.delete(index.ids(null)));
            deleteFiles(deleted);
            events.publish(new CaptureEvent.Cleared(null));
            return deleted.size();
        }
        int held = sql(() -> index.idsOf(mailbox)).size();
        List<String> deleted = sql(() -> index.removeMailbox(mailbox));
        deleteFiles(deleted);
        events.publish(new CaptureEvent.Cleared(QueryFilter.lower(mailbox)));
        deleted.forEach(id -> events.publish(new CaptureEvent.Deleted(id)));
        return held;
    }

    /** Every mailbox with messages, by address. */
    public List<Mailbox> mailboxes() {
        return sql(index::mailboxes);
    }

    /**
     * Calls {@code listener} after each change until the returned handle is closed: on a thread of its own, with a
     * bounded backlog, so a slow listener delays nobody (it misses events once it falls far behind).
     */
    public AutoCloseable subscribe(Consumer<CaptureEvent> listener) {
        return events.subscribe(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Deletes the messages beyond {@code maxMessages} (oldest first) and those older than {@code maxAge} by the
     * store's clock; returns how many. Runs at open, after each message (the count) and periodically (the age).
     */
    public int prune() {
        int pruned = pruneBeyondMaxMessages();
        if (maxAge != null) {
            pruned += remove(sql(() -> index.ids(clock.instant().minus(maxAge)))).size();
        }
        return pruned;
    }

    private int pruneBeyondMaxMessages() {
        return remove(sql(() -> index.beyond(maxMessages))).size();
    }

    private void pruneQuietly() {
        try {
            prune();
        } catch (RuntimeException e) {
            log.warn("pruning the capture store failed", e);
        }
    }

    private List<String> remove(List<String> ids) {
        if (ids.isEmpty()) {
            return ids;
        }
        List<String> deleted = sql(() -> index.delete(ids));
        deleteFiles(deleted);
        deleted.forEach(id -> events.publish(new CaptureEvent.Deleted(id)));
        return deleted;
    }

    private void deleteFiles(List<String> ids) {
        for (String id : ids) {
            try {
                Files.deleteIfExists(messages.resolve(id + ".eml"));
            } catch (IOException e) {
                log.warn("cannot delete the captured message {}: {}", id, e.toString());
            }
        }
    }

    @FunctionalInterface
    private interface Query<T> {
        T run() throws SQLException;
    }

    /** The index is local and ours: an SQL error is a broken store, not something a caller can handle. */
    private static <T> T sql(Query<T> query) {
        try {
            return query.run();
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("capture index: " + e.getMessage(), e));
        }
    }

    @Override
    public void close() {
        if (pruner != null) {
            pruner.shutdownNow();
        }
        events.close();
        try {
            index.close();
        } catch (SQLException e) {
            log.warn("closing the capture index failed: {}", e.toString());
        }
    }
}
