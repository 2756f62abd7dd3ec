package dev.posthorn.mta.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The files of delivered messages kept in {@code queue/} for new messages to overwrite (see the package
 * documentation for why): at most {@value #MAX} of them, none longer than {@value #MAX_LENGTH} octets.
 */
final class Spares {

    /** Spare files kept for reuse: enough for every session writing at once, with room to spare. */
    static final int MAX = 256;
    /** Larger files are deleted, not kept: a spare should not pin much disk. */
    static final long MAX_LENGTH = 1 << 20;

    private final ConcurrentLinkedQueue<Path> files = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();

    /** Whether a file of {@code length} octets would be kept now. */
    boolean roomFor(long length) {
        return length <= MAX_LENGTH && count.get() < MAX;
    }

    /** Keeps a spare file found by the sweep, or deletes it when there are enough. */
    void keepOrDelete(Path spare) throws IOException {
        if (count.get() < MAX && Files.size(spare) <= MAX_LENGTH) {
            keep(spare);
        } else {
            Files.delete(spare);
        }
    }

    /** Adds a spare file to those ready for reuse. */
    void keep(Path spare) {
        count.incrementAndGet();
        files.add(spare);
    }

    /** Takes a spare file, or null when there is none. */
    Path take() {
        Path spare = files.poll();
        if (spare != null) {
            count.decrementAndGet();
        }
        return spare;
    }

    /** Spare files ready for reuse. */
    int count() {
        return count.get();
    }
}
