package dev.posthorn.mta.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one daemon's claim on a spool, like Postfix's {@code master.lock}: an exclusive lock on
 * {@code <spool>/master.lock} holding the owner's process id. Two daemons on one spool would both sweep it and both
 * deliver every message; the second is refused before it touches anything. The kernel drops the lock when the owner
 * dies, so a crash leaves nothing to clean up (a stale PID in the file means nothing without the lock).
 *
 * <p>Only the daemon takes it: {@code sendmail} commits beside a running daemon, which is what the spool's commit
 * protocol allows (each message enters under its own unique id by an atomic rename).
 */
public final class SpoolLock implements AutoCloseable {

    static final String FILE = "master.lock";
    /** A process id is a short decimal number; more than this in the file is not one. */
    private static final int MAX_PID_LENGTH = 20;

    private final FileChannel channel;
    private final FileLock lock;

    private SpoolLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Thrown when another process (or another daemon in this one) holds the spool. */
    public static final class InUseException extends IOException {
        private static final long serialVersionUID = 1L;

        InUseException(Path root, String owner) {
            super("spool " + root + " is in use by process " + owner);
        }
    }

    /**
     * Takes the lock on the spool at {@code root} (created if needed) and writes this process's id into it.
     *
     * @throws InUseException when it is held: {@code spool SPOOL is in use by process PID}
     */
    public static SpoolLock acquire(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        OwnerOnly.folders(absolute);
        Path file = absolute.resolve(FILE);
        FileChannel channel = OwnerOnly.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            // Within one JVM a second lock on the same file throws instead of answering null: the same refusal.
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String owner = owner(channel);
            channel.close();
            throw new InUseException(absolute, owner);
        }
        try {
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new SpoolLock(channel, lock);
    }

    /** The PID the holder wrote, or {@code unknown} when the file holds no number (yet). */
    private static String owner(FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(MAX_PID_LENGTH + 1);
        while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) > 0) {
            // read on: a short read is not the end of the file
        }
        String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).strip();
        return text.matches("[0-9]{1," + MAX_PID_LENGTH + "}") ? text : "unknown";
    }

    /**
     * Releases the spool (closing the channel drops the lock); the file stays, as Postfix leaves its own. Closing
     * again does nothing.
     */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
