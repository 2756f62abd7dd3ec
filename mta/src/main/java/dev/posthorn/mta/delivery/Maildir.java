package dev.posthorn.mta.delivery;

import dev.posthorn.mta.spool.DirectorySync;
import dev.posthorn.mta.spool.OwnerOnly;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivery into a Maildir (the maildir(5) convention of qmail, as Dovecot and mutt read it): the message is written
 * under a unique name in {@code tmp/}, forced to disk, then moved into {@code new/}, whose directory is forced too:
 * a reader never sees a partial message, and a delivered message survives a crash.
 *
 * <p>The stored message starts with {@code Return-Path} (the envelope sender, RFC 5321 4.4) and {@code Delivered-To}
 * (the mailbox it was delivered to, as Postfix writes it, which also lets loops be noticed), and uses LF line ends
 * as Maildir readers expect.
 */
public final class Maildir {

    private static final AtomicLong COUNTER = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();

    private final Path root;
    private final String hostname;
    private final DirectorySync newSync;
    private volatile boolean created;

    /**
     * @param root the Maildir's folder (holding tmp/, new/, cur/); created when first delivered to. Keep one
     *             instance per Maildir: concurrent deliveries then share the forcing of {@code new/}.
     */
    public Maildir(Path root, String hostname) {
        this.root = root;
        this.hostname = hostname.replace("/", "\\057").replace(":", "\\072");
        this.newSync = new DirectorySync(root.resolve("new"));
    }

    public Path root() {
        return root;
    }

    /**
     * Delivers one message.
     *
     * @param sender    the envelope sender without brackets, empty for the null reverse path
     * @param recipient the address written in Delivered-To
     * @param message   the message as queued (CRLF line ends)
     * @return the delivered file in {@code new/}
     */
    public Path deliver(String sender, String recipient, InputStream message) throws IOException {
        Path tmp = root.resolve("tmp");
        Path fresh = root.resolve("new");
        if (!created) {
            for (Path dir : new Path[] {tmp, fresh, root.resolve("cur")}) {
                OwnerOnly.folders(dir);
            }
            removeStale(tmp);
            created = true;
        }
        String name = uniqueName();
        Path file = tmp.resolve(name);
        try (FileChannel channel = OwnerOnly.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            out.write(("Return-Path: <" + sender + ">\nDelivered-To: " + recipient + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            copyWithLf(message, out);
            out.flush();
            channel.force(true);
        } catch (java.nio.file.NoSuchFileException e) {
            created = false; // the folders went away: make them again on the next try
            throw e;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        Path delivered = fresh.resolve(name);
        try {
            Files.createLink(delivered, file); // link, not rename: never replaces an existing message
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        Files.delete(file);
        newSync.sync();
        return delivered;
    }

    /**
     * maildir(5): a file left in {@code tmp/} for 36 hours is from a delivery that died (a crash between writing
     * and moving it); it is removed, once per Maildir and process, when the Maildir is first delivered to.
     */
    private static void removeStale(Path tmp) {
        java.nio.file.attribute.FileTime cutoff = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(36)));
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
            for (Path file : files) {
                if (Files.getLastModifiedTime(file).compareTo(cutoff) < 0) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            // cleaning is best effort: delivery goes on
        }
    }

    /** {@code time.M<micros>P<pid>Q<counter>.host}, unique per maildir(5). */
    private String uniqueName() {
        long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
        return micros / 1_000_000 + ".M" + micros % 1_000_000 + "P" + PID + "Q" + COUNTER.incrementAndGet() + "."
                + hostname;
    }

    /** Copies the message, turning each CRLF into LF; runs between line ends are written whole. */
    private static void copyWithLf(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        boolean pendingCr = false;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            int start = 0;
            if (pendingCr && n > 0) {
                pendingCr = false;
                if (buffer[0] != '\n') {
                    out.write('\r');
                }
            }
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\r') {
                    out.write(buffer, start, i - start);
                    if (i + 1 == n) {
                        pendingCr = true; // the LF, if any, is in the next read
                    } else if (buffer[i + 1] != '\n') {
                        out.write('\r');
                    }
                    start = i + 1;
                }
            }
            out.write(buffer, start, n - start);
        }
        if (pendingCr) {
            out.write('\r');
        }
    }
}
