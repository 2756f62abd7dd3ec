package dev.posthorn.mta.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes renames into a directory durable by forcing the directory, sharing one force among all callers that
 * arrive while one is under way (group commit). A caller returns only after a force that started after its call
 * has finished, so no caller is answered before its own rename is on disk.
 */
public final class DirectorySync {

    /** How long a sync waits for commits already on their way, to share one force with them. */
    private static final long GATHER_NANOS = 1_000_000;

    private final Path directory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private long requested;
    private long completed;
    private int coming;
    private boolean running;
    private IOException failure;
    private FileChannel channel;
    private long forces;

    public DirectorySync(Path directory) {
        this.directory = directory;
    }

    /**
     * Announces a sync to come (a commit about to force its file): a sync that starts meanwhile waits a moment for it,
     * so that both share one force of the directory. Every call is followed by {@link #sync()} or {@link #cancel()}.
     */
    public void expect() {
        lock.lock();
        try {
            coming++;
        } finally {
            lock.unlock();
        }
    }

    /** Withdraws an {@link #expect()} whose commit failed. */
    public void cancel() {
        lock.lock();
        try {
            coming--;
            done.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until the directory has been forced after this call began. */
    public void sync() throws IOException {
        sync(false);
    }

    /** {@link #sync()} for a caller that announced itself with {@link #expect()}. */
    public void syncExpected() throws IOException {
        sync(true);
    }

    private void sync(boolean expected) throws IOException {
        lock.lock();
        try {
            long mine = ++requested;
            if (expected) {
                coming--;
                done.signalAll();
            }
            while (completed < mine) {
                if (!running) {
                    running = true;
                    gather();
                    long target = requested;
                    lock.unlock();
                    IOException error = null;
                    try {
                        force();
                    } catch (IOException e) {
                        error = e;
                    } finally {
                        lock.lock();
                    }
                    running = false;
                    if (error != null) {
                        failure = error;
                        done.signalAll();
                        throw error;
                    }
                    completed = target;
                    done.signalAll();
                } else {
                    done.awaitUninterruptibly();
                    if (failure != null && completed < mine && !running) {
                        IOException error = failure;
                        failure = null;
                        throw error;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many times the directory was forced (for tests of the sharing). */
    long forces() {
        lock.lock();
        try {
            return forces;
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: waits briefly while announced commits are still forcing their files. */
    private void gather() {
        long deadline = System.nanoTime() + GATHER_NANOS;
        long left;
        while (coming > 0 && (left = deadline - System.nanoTime()) > 0) {
            try {
                done.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Forces the directory through one channel kept open (called by one thread at a time). */
    private void force() throws IOException {
        try {
            if (channel == null || !channel.isOpen()) {
                channel = FileChannel.open(directory, StandardOpenOption.READ);
            }
            channel.force(true);
            forces++;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (IOException e) {
            if (channel != null) {
                channel.close();
            }
            throw e;
        }
    }
}
