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

    private final Path directory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private long requested;
    private long completed;
    private boolean running;
    private IOException failure;

    public DirectorySync(Path directory) {
        this.directory = directory;
    }

    /** Blocks until the directory has been forced after this call began. */
    public void sync() throws IOException {
        lock.lock();
        try {
            long mine = ++requested;
            while (completed < mine) {
                if (!running) {
                    running = true;
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

    private void force() throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
