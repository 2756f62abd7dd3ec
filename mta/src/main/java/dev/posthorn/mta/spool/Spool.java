package dev.posthorn.mta.spool;

import dev.posthorn.smtp.io.BulkFilterInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
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

/** The durable queue on disk; see the package documentation for the layout and the commit protocol. */
public final class Spool {

    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final String STATE = ".state";
    private static final String SPARE = "spare.";
    /** A local submission being written (sendmail, beside the daemon): never a spare, swept only when abandoned. */
    private static final String LOCAL = "local.";
    /** Spare files kept for reuse: enough for every session writing at once, with room to spare. */
    static final int MAX_SPARES = 256;
    /** Larger files are deleted, not kept: a spare should not pin much disk. */
    static final long MAX_SPARE_LENGTH = 1 << 20;

    private final Path root;
    private final Path tmp;
    private final Path queue;
    private final Path corrupt;
    private final DirectorySync queueSync;
    private final FileStore store;
    private final boolean local;
    private volatile long[] space;
    private final java.util.concurrent.ConcurrentLinkedQueue<Path> spares =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger spareCount = new java.util.concurrent.atomic.AtomicInteger();

    private Spool(Path root, FileStore store, boolean local) {
        this.root = root;
        this.store = store;
        this.local = local;
        this.tmp = root.resolve("tmp");
        this.queue = root.resolve("queue");
        this.corrupt = root.resolve("corrupt");
        this.queueSync = new DirectorySync(queue);
    }

    /** Opens (creating if needed) the spool at {@code root}. Call {@link #sweep()} once before using it. */
    public static Spool open(Path root) throws IOException {
        return open(root, false);
    }

    /**
     * Opens the spool for local submissions beside the daemon (sendmail), never to be swept: each new message is
     * written under {@code queue/local.<id>} while this process holds a lock on it, so the daemon's start-up sweep
     * neither takes it for a spare nor removes it; one whose writer died (its lock gone with it) is removed.
     */
    public static Spool openForSubmission(Path root) throws IOException {
        return open(root, true);
    }

    private static Spool open(Path root, boolean local) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        for (String dir : List.of("tmp", "queue", "corrupt")) {
            OwnerOnly.folders(absolute.resolve(dir));
        }
        new DirectorySync(absolute).sync();
        // Looked up once: finding a path's file store reads the mount table, too slow for every MAIL command.
        return new Spool(absolute, Files.getFileStore(absolute.resolve("queue")), local);
    }

    public Path root() {
        return root;
    }

    /**
     * Free space for new messages on the spool's file system, in octets. Asked of the kernel at most every 100 ms:
     * every MAIL command wants it, and the answer cannot change much faster than that matters.
     */
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
                    keepOrDelete(file);
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
    public Scan scan(Instant horizon, int max, java.util.function.Predicate<String> skip) throws IOException {
        return Scan.of(queue, STATE, horizon, max, skip);
    }

    /**
     * Reads one queued message for a look (the admin API): empty when it is not (or no longer) queued or cannot be
     * read whole; unlike {@link #load}, never moves anything, since a file being removed meanwhile is no damage.
     */
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
    public Scan.Census census(Instant now) throws IOException {
        return Scan.census(queue, STATE, now);
    }

    /** Appends one line to the message's attempt history (see {@link History}); false when it had to be cut. */
    public boolean appendHistory(String id, String line) throws IOException {
        return History.append(queue.resolve(id + History.SUFFIX), tmp, line);
    }

    /** The message's attempt history, oldest first, at most its last megabyte; empty when it has none. */
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
        log.warn("spool: moving {} to corrupt/: {}", file.getFileName(), reason);
        Files.move(file, corrupt.resolve(file.getFileName().toString() + "." + System.currentTimeMillis()),
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A local submission made by root (root's crontab, an administrator) is given to the queue's owner, the daemon's
     * user: a file only root can read would stop the daemon's scans and its next start. Anyone else who is not the
     * owner cannot write in the owner-only queue at all.
     */
    private void giveToQueueOwner(Path file) throws IOException {
        Object owner = Files.getAttribute(queue, "unix:uid");
        if (!owner.equals(Files.getAttribute(file, "unix:uid"))) {
            Files.setAttribute(file, "unix:gid", Files.getAttribute(queue, "unix:gid"));
            Files.setAttribute(file, "unix:uid", owner);
        }
    }

    /** Starts writing a new message with queue id {@code id}. */
    public Writer writer(String id) throws IOException {
        if (!SpoolEnvelope.isId(id)) {
            throw new IllegalArgumentException("bad queue id");
        }
        return new Writer(id);
    }

    /** The message as delivered: the envelope's prepended header fields, then the body as received. */
    public InputStream body(QueuedMessage message) throws IOException {
        InputStream body = bounded(Files.newInputStream(queue.resolve(message.id())), message.bodyLength());
        byte[] headers = message.envelope().prependedHeaders();
        return headers.length == 0 ? body : new SequenceInputStream(new ByteArrayInputStream(headers), body);
    }

    /** The first {@code length} octets of {@code in}. */
    private static InputStream bounded(InputStream in, long length) {
        return new BulkFilterInputStream(in) {
            private long remaining = length;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, remaining));
                if (n > 0) {
                    remaining -= n;
                }
                return n;
            }

            /** No more than is left of the body: the file goes on with the envelope. */
            @Override
            public int available() throws IOException {
                return (int) Math.min(super.available(), remaining);
            }
        };
    }

    /** Records delivery progress durably: the state file is replaced atomically. */
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
        }
        Files.move(temporary, queue.resolve(id + STATE), StandardCopyOption.ATOMIC_MOVE);
        queueSync.sync();
    }

    /** Removes a message whose delivery is finished. */
    public void remove(String id) throws IOException {
        remove(id, true);
    }

    /**
     * Removes a message whose delivery is finished, keeping its file as a spare for a message to come when it is
     * small: a new message then overwrites an inode the file system already has instead of allocating one (on ext4
     * finding a free inode among recently deleted ones, and freeing one later, cost more than the fsync).
     * {@code hasState} false skips looking for a state file no attempt ever wrote.
     */
    public void remove(QueuedMessage message, boolean hasState) throws IOException {
        if (message.bodyLength() <= MAX_SPARE_LENGTH && spareCount.get() < MAX_SPARES) {
            Path spare = queue.resolve(SPARE + message.id());
            try {
                Files.move(queue.resolve(message.id()), spare, StandardCopyOption.ATOMIC_MOVE);
                keep(spare);
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
                log.warn("spool: removing {}: a local submission that was never committed", file.getFileName());
                Files.delete(file);
            }
        } catch (NoSuchFileException e) {
            // committed meanwhile
        }
    }

    /** Keeps a spare file found by the sweep, or deletes it when there are enough. */
    private void keepOrDelete(Path spare) throws IOException {
        if (spareCount.get() < MAX_SPARES && Files.size(spare) <= MAX_SPARE_LENGTH) {
            keep(spare);
        } else {
            Files.delete(spare);
        }
    }

    /** Adds a spare file to those ready for reuse. */
    private void keep(Path spare) {
        spareCount.incrementAndGet();
        spares.add(spare);
    }

    /** Takes a spare file, or null when there is none. */
    private Path takeSpare() {
        Path spare = spares.poll();
        if (spare != null) {
            spareCount.decrementAndGet();
        }
        return spare;
    }

    /** Spare files ready for reuse (for tests). */
    int spares() {
        return spareCount.get();
    }

    /**
     * Removes a message; {@code hasState} false skips looking for a state file (and history) no attempt ever wrote.
     */
    public void remove(String id, boolean hasState) throws IOException {
        Files.deleteIfExists(queue.resolve(id));
        if (hasState) {
            Files.deleteIfExists(queue.resolve(id + STATE));
            Files.deleteIfExists(queue.resolve(id + History.SUFFIX));
        }
    }

    /** Whether the message is (still) in the queue. */
    public boolean contains(String id) {
        return Files.exists(queue.resolve(id));
    }

    /** Counts what passes, so the body's length is known without asking the file. */
    private static final class CountingOutput extends java.io.FilterOutputStream {
        private long count;

        CountingOutput(OutputStream out) {
            super(out);
        }

        long count() {
            return count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /**
     * Writes one new message: the body through {@link #body()}, then {@link #commit}. Closing a writer that was not
     * committed deletes what was written.
     */
    public final class Writer implements Closeable {
        private final String id;
        private final Path file;
        private final FileChannel channel;
        private final CountingOutput body;
        private boolean committed;

        private Writer(String id) throws IOException {
            this.id = id;
            Path spare = local ? null : takeSpare();
            FileChannel opened = null;
            if (spare != null) {
                try {
                    opened = FileChannel.open(spare, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (NoSuchFileException e) {
                    spare = null; // removed behind our back: make a new one
                }
            }
            // A new file is made in queue/ under a spare name too: the commit's rename then stays in one directory.
            this.file = spare != null ? spare : queue.resolve((local ? LOCAL : SPARE) + id);
            this.channel = opened != null ? opened : OwnerOnly.open(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (local) {
                // Held until the commit's rename, released with the channel (never opened twice in this process:
                // closing any descriptor of the file would drop the lock, hence ChannelInput for written()).
                channel.lock();
                giveToQueueOwner(file);
            }
            // A small message and its envelope reach the file in one write; larger writes go straight through.
            this.body = new CountingOutput(new BufferedOutputStream(Channels.newOutputStream(channel), 16 * 1024));
        }

        public OutputStream body() {
            return body;
        }

        /**
         * What was written to {@link #body()} so far, read back from the file: for checks that need the whole message
         * (DKIM, SPF, DMARC) before {@link #commit}. Read it before writing more.
         */
        public InputStream written() throws IOException {
            body.flush();
            return bounded(new ChannelInput(channel), body.count());
        }

        /** Makes the message durable; when this returns, the message is in the queue and on disk. */
        public QueuedMessage commit(SpoolEnvelope envelope) throws IOException {
            if (!envelope.id().equals(id)) {
                throw new IllegalArgumentException("envelope id differs from the writer's");
            }
            long bodyLength = body.count();
            byte[] encoded = EnvelopeCodec.encode(envelope);
            body.write(encoded);
            body.write(MessageFile.footer(bodyLength, encoded).array());
            body.flush(); // a small message reaches the file in one write, envelope and footer included
            long length = bodyLength + encoded.length + MessageFile.FOOTER;
            if (channel.size() > length) {
                channel.truncate(length); // a spare that held a longer message
            }
            queueSync.expect(); // commits forcing their files meanwhile then share one directory force
            Path target = queue.resolve(id);
            try {
                // The content is forced before the rename, never after: a reused file overwritten in place could
                // otherwise reach its queue name after a power loss with the new envelope and footer but blocks of
                // the message it held before, which would then go to the new recipients. The force is a data force
                // (fdatasync: the content and what is needed to read it back, such as its length, not its times):
                // on a reused file of similar length it needs no journal commit of its own. The directory's force,
                // shared by concurrent commits, then makes the rename durable; no 250 before it returns.
                channel.force(false);
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE); // renamed while open: a lock stays on it
                channel.close();
            } catch (IOException | RuntimeException e) {
                queueSync.cancel();
                channel.close();
                Files.deleteIfExists(target);
                throw e;
            }
            committed = true;
            queueSync.syncExpected();
            return new QueuedMessage(envelope, bodyLength,
                    DeliveryState.initial(envelope.recipients().size(), Instant.now()));
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                channel.close();
                Files.deleteIfExists(file);
            }
        }
    }
}
