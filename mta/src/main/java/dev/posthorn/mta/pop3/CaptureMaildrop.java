package dev.posthorn.mta.pop3;

import dev.posthorn.mta.capture.CaptureQuery;
import dev.posthorn.mta.capture.CaptureStore;
import dev.posthorn.mta.capture.CapturedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * One mailbox of {@code posthorn dev}'s {@link CaptureStore} as a POP3 maildrop: the messages with the mailbox among
 * their recipients, oldest first, each by its store id (a transaction id: 18 characters of base32, a valid UIDL).
 * Deleting a message takes it out of this mailbox only ({@link CaptureStore#delete(String, String)}): a message
 * captured for several recipients stays in the others' mailboxes.
 */
public final class CaptureMaildrop implements Maildrop {

    /** The newest messages a snapshot holds at most (the store's default {@code --max-messages}). */
    public static final int DEFAULT_LIMIT = 10_000;

    private final CaptureStore store;
    private final String mailbox;
    private final int limit;

    private CaptureMaildrop(CaptureStore store, String mailbox, int limit) {
        this.store = Objects.requireNonNull(store, "store");
        this.mailbox = Objects.requireNonNull(mailbox, "mailbox");
        this.limit = limit;
    }

    /** The maildrops of {@code store}, each snapshot of at most {@link #DEFAULT_LIMIT} messages. */
    public static Maildrop.Factory factory(CaptureStore store) {
        return factory(store, DEFAULT_LIMIT);
    }

    /** The maildrops of {@code store}, each snapshot holding the newest {@code limit} messages at most. */
    public static Maildrop.Factory factory(CaptureStore store, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        return mailbox -> new CaptureMaildrop(store, mailbox, limit);
    }

    /** One query, so the snapshot is one consistent listing; the store lists newest first, POP3 counts oldest first. */
    @Override
    public List<Entry> messages() {
        List<CapturedMessage> newestFirst = store.list(CaptureQuery.mailbox(mailbox), 0, limit).messages();
        return newestFirst.reversed().stream().map(m -> new Entry(m.id(), m.size())).toList();
    }

    @Override
    public InputStream open(String id) throws IOException {
        Path file = store.file(id).orElseThrow(() -> new NoSuchFileException(id));
        return Files.newInputStream(file);
    }

    @Override
    public void delete(Collection<String> ids) {
        ids.forEach(id -> store.delete(id, mailbox));
    }
}
