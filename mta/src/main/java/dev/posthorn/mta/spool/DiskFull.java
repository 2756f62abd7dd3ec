package dev.posthorn.mta.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A write failed because its file system ran out of room (or its owner's quota): told apart from other write
 * failures so that what is said about it is "mail system full" (RFC 3463 X.3.1) rather than a local error (X.3.0).
 * A new message that does not fit into the spool gets {@code 452 4.3.1} (RFC 5321 4.2.2, the words of the {@code
 * limits.min_free_disk} check at MAIL, which this is the backstop of for a message larger than the room left); a
 * Maildir delivery that does not fit is deferred with {@code 4.3.1}. Either way the partial file is removed.
 *
 * <p>The JDK does not say which error a failed write had, only its text. A failure counts as a full file system when
 * its text is that of {@code ENOSPC} or {@code EDQUOT} (in the C locale), or when the file system, asked right after
 * the failure and before the partial file is removed, has less than {@value #NEARLY_FULL} octets left (which also
 * covers a JVM that reports errors in another language).
 */
public final class DiskFull extends IOException {

    private static final long serialVersionUID = 1L;

    /** Less room than this left after a failed write: the write failed because the file system is full. */
    static final long NEARLY_FULL = 1 << 20;

    private DiskFull(IOException cause) {
        super(cause.getMessage(), cause);
    }

    /** The spool database's disk is full (SQLSTATE 53100): the message could not be stored. */
    static DiskFull database(java.sql.SQLException failure) {
        return new DiskFull(new IOException(failure.getMessage(), failure));
    }

    /**
     * {@code failure}, a failed write into a file in folder {@code where}, as a {@code DiskFull} when that folder's
     * file system is full; otherwise {@code failure} itself. Call it before removing the partial file: that frees
     * room again.
     */
    public static IOException classify(IOException failure, Path where) {
        if (failure instanceof DiskFull) {
            return failure;
        }
        String text = String.valueOf(failure.getMessage());
        if (text.contains("No space left on device") || text.contains("Disk quota exceeded")) {
            return new DiskFull(failure);
        }
        try {
            if (Files.getFileStore(where).getUsableSpace() < NEARLY_FULL) {
                return new DiskFull(failure);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }
}
