package dev.posthorn.junit;

import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.MessageSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;

/**
 * The captured messages: the server's sink writes each one to a file in a private temporary directory and adds it
 * here; tests read the list and wait on it. Waiting is on a condition signalled by each arrival, so a test wakes when
 * the message is there, not after a guessed sleep.
 */
final class Inbox implements MessageSink, AutoCloseable {

    private final Path directory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    /** Guarded by {@link #lock}, as are {@link #counter} and {@link #closed}. */
    private final List<CapturedMail> mails = new ArrayList<>();
    private int counter;
    private long fileCounter;
    private boolean closed;

    private Inbox(Path directory) {
        this.directory = directory;
    }

    static Inbox inTemporaryDirectory() {
        try {
            // Owner only: the messages a test sends may hold what the application would send to real people.
            return new Inbox(Files.createTempDirectory("posthorn-junit-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
        } catch (UnsupportedOperationException e) {
            return inPlainTemporaryDirectory(); // not a POSIX file system
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for captured messages", e);
        }
    }

    private static Inbox inPlainTemporaryDirectory() {
        try {
            return new Inbox(Files.createTempDirectory("posthorn-junit-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for captured messages", e);
        }
    }

    /**
     * Streams the message to its file. The server's stream throws when the message grows past the size limit or the
     * client goes away; the file is then deleted and nothing is captured (the server answers the client).
     */
    @Override
    public Reply receive(Envelope envelope, InputStream message) throws IOException {
        Path file = directory.resolve(nextFileName());
        long size;
        try (OutputStream out = Files.newOutputStream(file)) {
            size = message.transferTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        lock.lock();
        try {
            if (closed) {
                Files.deleteIfExists(file);
                return Replies.LOCAL_ERROR;
            }
            mails.add(new CapturedMail(++counter, envelope, file, size));
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        return Replies.queued(envelope.id());
    }

    private String nextFileName() {
        lock.lock();
        try {
            return ++fileCounter + ".eml";
        } finally {
            lock.unlock();
        }
    }

    List<CapturedMail> snapshot() {
        lock.lock();
        try {
            return List.copyOf(mails);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The first {@code count} messages once that many have arrived.
     *
     * @throws AssertionFailedError after {@code timeout}, naming what did arrive
     */
    List<CapturedMail> await(int count, Duration timeout) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (mails.size() < count) {
                if (remaining <= 0) {
                    throw new AssertionFailedError(timedOut(count, timeout), count, mails.size());
                }
                remaining = arrived.awaitNanos(remaining);
            }
            return List.copyOf(mails.subList(0, count));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted while waiting for " + count + " messages", e);
        } finally {
            lock.unlock();
        }
    }

    private String timedOut(int count, Duration timeout) {
        String what = mails.isEmpty() ? "none"
                : mails.size() + ":" + mails.stream().map(m -> "\n  " + m).collect(Collectors.joining());
        return "expected " + count + (count == 1 ? " message" : " messages") + " within "
                + timeout.toMillis() + " ms, captured " + what;
    }

    /** Forgets and deletes every message; numbering starts again at 1. */
    void clear() {
        List<CapturedMail> gone;
        lock.lock();
        try {
            gone = List.copyOf(mails);
            mails.clear();
            counter = 0;
        } finally {
            lock.unlock();
        }
        gone.forEach(Inbox::delete);
    }

    private static void delete(CapturedMail mail) {
        try {
            mail.delete();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete captured message " + mail.number(), e);
        }
    }

    /** Deletes every message and the directory; a message that arrives after this gets {@code 451}. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        clear();
        try (var left = Files.list(directory)) { // a message cut off while it was being written
            for (Path file : left.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(directory);
    }
}
