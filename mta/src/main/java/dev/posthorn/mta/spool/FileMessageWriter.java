package dev.posthorn.mta.spool;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Writes one new message into the file spool ({@link FileSpool#writer}): the commit protocol of the package
 * documentation. Closing a writer that was not committed deletes what was written.
 *
 * <p>A write, force or rename that fails because the file system is full throws {@link DiskFull} (a reused spare
 * file may take a message of its own length even then: its blocks are already the file's). The caller closes the
 * writer, which removes the partial file, spare or not.
 */
final class FileMessageWriter implements MessageWriter {

    private final String id;
    private final Path queue;
    private final DirectorySync queueSync;
    private final Path file;
    private final FileChannel channel;
    private final CountingOutput body;
    /** Where a file goes when its message was delivered before it was queued; null for a local submission. */
    private final Spares spares;
    private boolean committed;

    /**
     * @param spare a spare file to overwrite, or null to make a new file named {@code fresh} in {@code queue}
     * @param lock whether to lock the file until the commit (a local submission beside the daemon)
     */
    FileMessageWriter(String id, Path queue, DirectorySync queueSync, Path spare, String fresh, boolean lock,
                      Spares spares) throws IOException {
        this.id = id;
        this.spares = spares;
        this.queue = queue;
        this.queueSync = queueSync;
        FileChannel opened = null;
        if (spare != null) {
            try {
                opened = FileChannel.open(spare, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                spare = null; // removed behind our back: make a new one
            }
        }
        // A new file is made in queue/ under a spare name too: the commit's rename then stays in one directory.
        this.file = spare != null ? spare : queue.resolve(fresh);
        this.channel = opened != null ? opened : OwnerOnly.open(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (lock) {
            // Held until the commit's rename, released with the channel (never opened twice in this process:
            // closing any descriptor of the file would drop the lock, hence ChannelInput for written()).
            channel.lock();
            giveToQueueOwner();
        }
        // A small message and its envelope reach the file in one write; larger writes go straight through.
        this.body = new CountingOutput(new BufferedOutputStream(Channels.newOutputStream(channel), 16 * 1024), queue);
    }

    @Override
    public OutputStream body() {
        return body;
    }

    /**
     * What was written to {@link #body()} so far, read back from the file: for checks that need the whole message
     * (DKIM, SPF, DMARC) before {@link #commit}. Read it before writing more.
     */
    @Override
    public InputStream written() throws IOException {
        body.flush();
        return new BodyInput(new ChannelInput(channel), body.count());
    }

    /**
     * A local submission made by root (root's crontab, an administrator) is given to the queue's owner, the daemon's
     * user: a file only root can read would stop the daemon's scans and its next start. Anyone else who is not the
     * owner cannot write in the owner-only queue at all.
     */
    private void giveToQueueOwner() throws IOException {
        Object owner = Files.getAttribute(queue, "unix:uid");
        if (!owner.equals(Files.getAttribute(file, "unix:uid"))) {
            Files.setAttribute(file, "unix:gid", Files.getAttribute(queue, "unix:gid"));
            Files.setAttribute(file, "unix:uid", owner);
        }
    }

    /** Makes the message durable; when this returns, the message is in the queue and on disk. */
    @Override
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
        } catch (IOException e) {
            IOException failure = DiskFull.classify(e, queue); // before the file goes: that frees room
            queueSync.cancel();
            channel.close();
            Files.deleteIfExists(target);
            throw failure;
        } catch (RuntimeException e) {
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

    /**
     * Keeps the file as a spare (blanked) when there is room for one: a message delivered before it was queued then
     * costs no file of its own.
     */
    @Override
    public void delivered() throws IOException {
        if (committed || spares == null) {
            return;
        }
        body.flush();
        if (!spares.roomFor(channel.size())) {
            return;
        }
        channel.close();
        committed = true; // nothing for close() to remove
        try {
            spares.keep(file);
        } catch (IOException e) {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            channel.close();
            Files.deleteIfExists(file);
        }
    }

    /**
     * Counts what passes, so the body's length is known without asking the file; a failure to write tells a full
     * file system ({@link DiskFull}) from other failures.
     */
    private static final class CountingOutput extends FilterOutputStream {
        private final Path queue;
        private long count;

        CountingOutput(OutputStream out, Path queue) {
            super(out);
            this.queue = queue;
        }

        long count() {
            return count;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw DiskFull.classify(e, queue);
            }
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw DiskFull.classify(e, queue);
            }
            count += len;
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw DiskFull.classify(e, queue);
            }
        }
    }
}
