package dev.posthorn.mta.spool;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Writes one new message ({@link Spool#writer}): the body through {@link #body()}, then {@link #commit}. Closing a
 * writer that was not committed removes what was written.
 *
 * <p>A write or commit that fails because the storage is full throws {@link DiskFull}; the caller closes the writer,
 * which removes what was written.
 */
public interface MessageWriter extends Closeable {

    /** Where the body goes, as received (CRLF line ends, dot-unstuffed); buffered, so flushed by {@link #commit}. */
    OutputStream body();

    /**
     * What was written to {@link #body()} so far, read back: for checks that need the whole message (DKIM, SPF,
     * DMARC) before {@link #commit}. Read it before writing more.
     */
    InputStream written() throws IOException;

    /**
     * Makes the message durable with its envelope; when this returns, the message is in the queue and stays there
     * through a crash or power loss, and only then may the receiver answer 250.
     */
    QueuedMessage commit(SpoolEnvelope envelope) throws IOException;

    /**
     * The message was delivered before it was queued: nothing is committed, and what was written may be kept for the
     * next message (the file spool keeps the file, blanked, as a spare) or is removed. Close the writer after.
     */
    default void delivered() throws IOException {
    }

    /** Removes what was written unless the message was committed (or kept by {@link #delivered()}). */
    @Override
    void close() throws IOException;
}
