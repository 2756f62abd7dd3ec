package dev.posthorn.mta.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The files of delivered messages kept in {@code queue/} for new messages to overwrite (see the package
 * documentation for why): at most {@value #MAX} of them, none longer than {@value #MAX_LENGTH} octets.
 *
 * <p>A file is blanked when it becomes spare: its octets are overwritten with zeros in place, so a delivered
 * message does not outlive its delivery in the spool, while the file keeps its length and its blocks (cutting it to
 * zero would free them, and the next message would allocate them again: the cost spares exist to avoid). The zeros
 * are not forced: whoever reads the file sees them at once, and the disk gets them with the page cache's write-back.
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

    /** Keeps a spare file found by the sweep (blanked: it may hold a message), or deletes it when there are enough. */
    void keepOrDelete(Path spare) throws IOException {
        if (count.get() < MAX && Files.size(spare) <= MAX_LENGTH) {
            try {
                keep(spare);
            } catch (IOException e) {
                Files.delete(spare); // could not be blanked: not kept
            }
        } else {
            Files.delete(spare);
        }
    }

    /** Blanks a spare file and adds it to those ready for reuse. */
    void keep(Path spare) throws IOException {
        blank(spare);
        count.incrementAndGet();
        files.add(spare);
    }

    /** Overwrites every octet of {@code file} with zero, in place. */
    private static void blank(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long length = channel.size();
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(length, 64 * 1024));
            for (long position = 0; position < length; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), length - position));
                position += channel.write(zeros, position);
            }
        }
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
