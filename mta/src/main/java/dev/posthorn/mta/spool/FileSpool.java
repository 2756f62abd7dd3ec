package dev.posthorn.mta.spool;

import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The durable queue in a folder; see the package documentation for the layout and the commit protocol. */
public final class FileSpool implements Spool {

    private static final Logger log = LoggerFactory.getLogger(FileSpool.class);
    private static final String STATE = ".state";
    private static final String SPARE = "spare.";
    /** A local submission being written (sendmail, beside the daemon): never a spare, swept only when abandoned. */
    private static final String LOCAL = "local.";

    private final Path root;
    private final Path tmp;
    private final Path queue;
    private final Path corrupt;
    private final DirectorySync queueSync;
    private final FileStore store;
    private final boolean local;
    private volatile long[] space;
    private final Spares spares = new Spares();

    private FileSpool(Path root, FileStore store, boolean local) {
        this.root = root;
        this.store = store;
        this.local = local;
        this.tmp = root.resolve("tmp");
        this.queue = root.resolve("queue");
        this.corrupt = root.resolve("corrupt");
        this.queueSync = new DirectorySync(queue);
    }

    /** Opens (creating if needed) the spool at {@code root}. Call {@link #sweep()} once before using it. */
    public static FileSpool open(Path root) throws IOException {
        return open(root, false);
    }

    /**
     * Opens the spool for local submissions beside the daemon (sendmail), never to be swept: each new message is
     * written under {@code queue/local.<id>} while this process holds a lock on it, so the daemon's start-up sweep
     * neither takes it for a spare nor removes it; one whose writer died (its lock gone with it) is removed.
     */
    public static FileSpool openForSubmission(Path root) throws IOException {
        return open(root, true);
    }

    private static FileSpool open(Path root, boolean local) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        for (String dir : List.of("tmp", "queue", "corrupt")) {
            OwnerOnly.folders(absolute.resolve(dir));
        }
        new DirectorySync(absolute).sync();
        // Looked up once: finding a path's file store reads the mount table, too slow for every MAIL command.
        return new FileSpool(absolute, Files.getFileStore(absolute.resolve("queue")), local);
    }

    @Override
    public Path root() {
        return root;
    }

    /**
     * Free space for new messages on the spool's file system, in octets. Asked of the kernel at most every 100 ms:
     * every MAIL command wants it, and the answer cannot change much faster than that matters.
     */
    @Override
    public long usableSpace() throws IOException {
        long now = System.nanoTime();
        long[] cached = space;
        if (cached != null && now - cached[0] < 100_000_000L) {
            return cached[1];
        }
        long free = store.getUsableSpace();
        space = new long[] {now, free};
        return free;
    }

    /**
     * The start-up sweep: clears {@code tmp/}, moves torn or damaged queue files to {@code corrupt/}, removes state
     * files without a message, and returns every valid queued message, oldest first. Holds the whole queue in
     * memory: for tests and tools; the daemon uses {@link #clean()}, then {@link #scan} and {@link #load}.
     */
    @Override
    public List<QueuedMessage> sweep() throws IOException {
        List<QueuedMessage> messages = new ArrayList<>();
        clean(messages::add);
        messages.sort(Comparator.comparing(QueuedMessage::id));
        return messages;
    }

    /**
     * The start-up sweep without keeping what it reads: every queue file is validated (torn or damaged ones go to
     * {@code corrupt/}), then forgotten. Returns how many valid messages are queued.
     */
    @Override
    public int clean() throws IOException {
        int[] count = {0};
        clean(m -> count[0]++);
        return count[0];
    }

    private void clean(java.util.function.Consumer<QueuedMessage> valid) throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
            for (Path file : leftovers) {
                Files.deleteIfExists(file);
            }
        }
        int count = 0;
        List<Path> states = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queue)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(STATE) || name.endsWith(History.SUFFIX)) {
                    states.add(file);
                } else if (name.startsWith(SPARE)) {
                    spares.keepOrDelete(file);
                } else if (name.startsWith(LOCAL)) {
                    removeIfAbandoned(file);
                } else if (SpoolEnvelope.isId(name)) {
                    java.util.Optional<QueuedMessage> message = recover(file);
                    if (message.isPresent()) {
                        count++;
                        valid.accept(message.get());
                    }
                } else {
                    quarantine(file, "not a queue file");
                }
            }
        }
        for (Path state : states) {
            String name = state.getFileName().toString();
            String id = name.substring(0, name.lastIndexOf('.'));
            if (!Files.exists(queue.resolve(id))) {
                Files.deleteIfExists(state);
            }
        }
        queueSync.sync();
        log.info("spool {}: {} queued messages recovered", root, count);
    }

    /**
     * Lists the queue for the earliest-due messages: up to {@code max} due by {@code horizon}, skipping those
     * {@code skip} names (already in memory). See {@link Scan}.
     */
    @Override
    public Scan scan(Instant horizon, int max, java.util.function.Predicate<String> skip) throws IOException {
        return Scan.of(queue, STATE, horizon, max, skip);
    }

    /**
     * Reads one queued message for a look (the admin API): empty when it is not (or no longer) queued or cannot be
     * read whole; unlike {@link #load}, never moves anything, since a file being removed meanwhile is no damage.
     */
    @Override
    public java.util.Optional<QueuedMessage> peek(String id) throws IOException {
        if (!SpoolEnvelope.isId(id)) {
            return java.util.Optional.empty();
        }
        try {
            MessageFile.Contents contents = MessageFile.read(queue.resolve(id));
            SpoolEnvelope envelope = contents.envelope();
            DeliveryState state = DeliveryState.initial(envelope.recipients().size(), envelope.receivedAt());
            try {
                state = DeliveryState.decode(Files.readAllBytes(queue.resolve(id + STATE)),
                        envelope.recipients().size());
            } catch (NoSuchFileException | IllegalArgumentException e) {
                // no attempt yet, or a state the next load quarantines: show the message as never attempted
            }
            return java.util.Optional.of(new QueuedMessage(envelope, contents.bodyLength(), state));
        } catch (NoSuchFileException | IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** The ids of the queued messages, in id order (which is arrival order), at most {@code max}. */
    @Override
    public List<String> ids(int max) throws IOException {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queue)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (SpoolEnvelope.isId(name)) {
                    ids.add(name);
                }
            }
        }
        ids.sort(null);
        return ids.size() > max ? List.copyOf(ids.subList(0, max)) : ids;
    }

    /** How many queued messages are due by {@code now}, due later, and held; from file times alone. */
    @Override
    public Scan.Census census(Instant now) throws IOException {
        return Scan.census(queue, STATE, now);
    }

    /** Appends one line to the message's attempt history (see {@link History}); false when it had to be cut. */
    @Override
    public boolean appendHistory(String id, String line) throws IOException {
        return History.append(queue.resolve(id + History.SUFFIX), tmp, line);
    }

    /** The message's attempt history, oldest first, at most its last megabyte; empty when it has none. */
    @Override
    public List<String> history(String id) throws IOException {
        if (!SpoolEnvelope.isId(id)) {
            return List.of();
        }
        return History.read(queue.resolve(id + History.SUFFIX));
    }

    /**
     * Reads one queued message with its delivery state; empty when it is no longer queued (delivered meanwhile) or
     * cannot be read whole (then it is moved to {@code corrupt/}, as the sweep would).
     */
    @Override
    public java.util.Optional<QueuedMessage> load(String id) throws IOException {
        if (!SpoolEnvelope.isId(id)) {
            throw new IllegalArgumentException("bad queue id");
        }
        try {
            return recover(queue.resolve(id));
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        }
    }

    private java.util.Optional<QueuedMessage> recover(Path file) throws IOException {
        MessageFile.Contents contents;
        try {
            contents = MessageFile.read(file);
        } catch (IllegalArgumentException e) {
            quarantine(file, e.getMessage());
            return java.util.Optional.empty();
        } catch (java.nio.file.AccessDeniedException e) {
            // Another user's file (sendmail run by someone else before it gave files to the queue's owner): left in
            // the queue it would stop every scan and the next start; the operator finds it in corrupt/.
            quarantine(file, "cannot be read: permission denied");
            return java.util.Optional.empty();
        }
        SpoolEnvelope envelope = contents.envelope();
        if (!envelope.id().equals(file.getFileName().toString())) {
            quarantine(file, "envelope id differs from file name");
            return java.util.Optional.empty();
        }
        DeliveryState state = DeliveryState.initial(envelope.recipients().size(), envelope.receivedAt());
        Path stateFile = queue.resolve(envelope.id() + STATE);
        if (Files.exists(stateFile)) {
            try {
                state = DeliveryState.decode(Files.readAllBytes(stateFile), envelope.recipients().size());
            } catch (IllegalArgumentException e) {
                quarantine(stateFile, "damaged state (" + e.getMessage() + "), delivery starts over");
            }
        }
        return java.util.Optional.of(new QueuedMessage(envelope, contents.bodyLength(), state));
    }

    private void quarantine(Path file, String reason) throws IOException {
        log.warn("spool: moving {} to corrupt/: {}", LogText.escape(file.getFileName()), LogText.escape(reason));
        Files.move(file, corrupt.resolve(file.getFileName().toString() + "." + System.currentTimeMillis()),
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Starts writing a new message with queue id {@code id}. Throws {@link DiskFull}, here or from the writer, when
     * the spool's file system has no room for it.
     */
    @Override
    public MessageWriter writer(String id) throws IOException {
        if (!SpoolEnvelope.isId(id)) {
            throw new IllegalArgumentException("bad queue id");
        }
        try {
            return new FileMessageWriter(id, queue, queueSync, local ? null : spares.take(),
                    (local ? LOCAL : SPARE) + id, local, local ? null : spares);
        } catch (IOException e) {
            throw DiskFull.classify(e, queue); // no room even for a new file
        }
    }

    @Override
    public InputStream rawBody(QueuedMessage message) throws IOException {
        return new BodyInput(Files.newInputStream(queue.resolve(message.id())), message.bodyLength());
    }

    /**
     * Records delivery progress durably: the state file is replaced atomically. When it cannot be written (a full
     * disk: {@link DiskFull}) the state on disk stays as it was and no partial file is left in {@code tmp/}.
     */
    @Override
    public void save(String id, DeliveryState state) throws IOException {
        Path temporary = tmp.resolve(id + STATE);
        try (FileChannel channel = OwnerOnly.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(state.encode());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            // The next attempt as the file's time: a scan of the queue learns when each message is due without
            // opening it (a held message: a time no scan reaches). Set before the force, so the one force covers it.
            Files.setLastModifiedTime(temporary, java.nio.file.attribute.FileTime.from(
                    state.held() ? Scan.HELD : state.nextAttempt()));
            channel.force(true);
        } catch (IOException e) {
            IOException failure = DiskFull.classify(e, tmp); // before the partial file goes: that frees room
            Files.deleteIfExists(temporary); // would hold room until the next save of this message or a restart
            throw failure;
        }
        Files.move(temporary, queue.resolve(id + STATE), StandardCopyOption.ATOMIC_MOVE);
        queueSync.sync();
    }

    /**
     * Removes a message whose delivery is finished, keeping its file as a spare for a message to come when it is
     * small: a new message then overwrites an inode the file system already has instead of allocating one (on ext4
     * finding a free inode among recently deleted ones, and freeing one later, cost more than the fsync). The spare is
     * blanked first: nothing of the delivered message stays readable.
     * {@code hasState} false skips looking for a state file no attempt ever wrote.
     */
    @Override
    public void remove(QueuedMessage message, boolean hasState) throws IOException {
        if (spares.roomFor(message.bodyLength())) {
            Path spare = queue.resolve(SPARE + message.id());
            try {
                Files.move(queue.resolve(message.id()), spare, StandardCopyOption.ATOMIC_MOVE);
                try {
                    spares.keep(spare);
                } catch (IOException e) {
                    Files.deleteIfExists(spare); // a file that could not be blanked is not kept
                }
                if (hasState) {
                    Files.deleteIfExists(queue.resolve(message.id() + STATE));
                    Files.deleteIfExists(queue.resolve(message.id() + History.SUFFIX));
                }
                return;
            } catch (NoSuchFileException e) {
                // already gone: fall through to remove what is left
            }
        }
        remove(message.id(), hasState);
    }

    /**
     * Removes a local submission's file whose writer is gone: one still being written is locked by its writer (a
     * lock held within this JVM counts as held too).
     */
    private static void removeIfAbandoned(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                return;
            }
            if (lock != null) {
                log.warn("spool: removing {}: a local submission that was never committed",
                        LogText.escape(file.getFileName()));
                Files.delete(file);
            }
        } catch (NoSuchFileException e) {
            // committed meanwhile
        }
    }

    /** Spare files ready for reuse (for tests). */
    int spares() {
        return spares.count();
    }

    /**
     * Removes a message; {@code hasState} false skips looking for a state file (and history) no attempt ever wrote.
     */
    @Override
    public void remove(String id, boolean hasState) throws IOException {
        Files.deleteIfExists(queue.resolve(id));
        if (hasState) {
            Files.deleteIfExists(queue.resolve(id + STATE));
            Files.deleteIfExists(queue.resolve(id + History.SUFFIX));
        }
    }

    /** Whether the message is (still) in the queue. */
    @Override
    public boolean contains(String id) {
        return Files.exists(queue.resolve(id));
    }
}
