package dev.posthorn.mta.delivery;

import dev.posthorn.mta.spool.DirectorySync;
import dev.posthorn.mta.spool.DiskFull;
import dev.posthorn.mta.spool.MessageBody;
import dev.posthorn.mta.spool.OwnerOnly;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.Mailbox;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivery into a Maildir (the maildir(5) convention of qmail, as Dovecot and mutt read it): the message is written
 * under a unique name in {@code tmp/}, forced to disk, then moved into {@code new/}, whose directory is forced too:
 * a reader never sees a partial message, and a delivered message survives a crash.
 *
 * <p>The stored message starts with {@code Return-Path} (the envelope sender, RFC 5321 4.4) and {@code Delivered-To}
 * (the mailbox it was delivered to, as Postfix writes it, which also lets loops be noticed), and uses LF line ends
 * as Maildir readers expect.
 *
 * <p>Symbolic links below the mail root are refused, never followed: a link at {@code <root>/bob} or
 * {@code <root>/bob/new} would otherwise send every message for bob to wherever it points, with the daemon's rights
 * (the attack Postfix's {@code local(8)} guards against by refusing links it did not expect). Before each delivery
 * the mailbox folder and its {@code tmp/}, {@code new/} and {@code cur/} are looked at without following links
 * and must be real directories (missing ones are made one {@code mkdir} at a time, which fails on a dangling link);
 * the message file is created with {@code O_CREAT|O_EXCL|O_NOFOLLOW}, and {@code new/} is looked at again just
 * before the message is linked into it. (A folder swapped for a link in the instant between that look and the
 * {@code open} is not ruled out: that needs {@code openat(2)} all the way down, which the JDK offers for reading but
 * not for linking; only someone who may write in the mailbox's folder could try it.) The mail root itself is the
 * operator's choice and may be a link (as {@code /var/mail -> /var/spool/mail} often is). A refusal is an
 * {@link IOException} naming the link, so the delivery is deferred (4.3.0) and nothing is written outside the root.
 *
 * <p>A message that does not fit on the Maildir's file system throws {@link DiskFull} (the delivery is deferred with
 * 4.3.1, "mail system full") and leaves no partial file in {@code tmp/}.
 */
public final class Maildir implements Transport {

    private static final AtomicLong COUNTER = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();

    private final Path mailRoot;
    private final Path root;
    private final String hostname;
    private final DirectorySync newSync;
    private volatile boolean cleaned;

    /**
     * @param mailRoot the folder that holds the mailboxes' folders (the domain's {@code maildir:} setting)
     * @param mailbox  the mailbox's folder name in it: one plain name, no separator
     * @throws IllegalArgumentException if {@code mailbox} is not one plain name
     */
    public Maildir(Path mailRoot, String mailbox, String hostname) {
        Path name = Path.of(mailbox);
        if (name.getNameCount() != 1 || mailbox.isEmpty() || mailbox.startsWith(".") || name.isAbsolute()) {
            throw new IllegalArgumentException("not a mailbox folder name: " + mailbox);
        }
        this.mailRoot = mailRoot;
        this.root = mailRoot.resolve(name);
        this.hostname = hostname.replace("/", "\\057").replace(":", "\\072");
        this.newSync = new DirectorySync(root.resolve("new"));
    }

    /** The Maildir's folder (holding tmp/, new/, cur/); keep one instance per Maildir (they share forcing new/). */
    public Path root() {
        return root;
    }

    /**
     * Delivers a copy for each recipient (normally one: a Maildir is one mailbox), each with its own Delivered-To. A
     * copy that cannot be written is deferred (4.3.0): a full disk or a refused link is for the operator to mend.
     */
    @Override
    public List<Outcome> deliver(SpoolEnvelope envelope, List<Mailbox> recipients, MessageBody body,
                                 DeliveryTrace trace) {
        String sender = envelope.sender().isNull() ? "" : envelope.sender().mailbox().toString();
        List<Outcome> outcomes = new ArrayList<>();
        for (Mailbox recipient : recipients) {
            try (InputStream message = body.open()) {
                outcomes.add(new Outcome.Delivered("maildir " + store(sender, recipient.toString(), message)
                        .getFileName()));
            } catch (DiskFull e) {
                // RFC 3463 X.3.1 "mail system full": tried again at the next retry, by when room may have been made.
                outcomes.add(new Outcome.Deferred("4.3.1 maildir " + root + ": file system full: " + e.getMessage()));
            } catch (IOException e) {
                outcomes.add(new Outcome.Deferred("4.3.0 maildir " + root + ": " + e));
            }
        }
        return outcomes;
    }

    /**
     * Writes one message into the Maildir: the file level of {@link #deliver}, for tools and tests.
     *
     * @param sender    the envelope sender without brackets, empty for the null reverse path
     * @param recipient the address written in Delivered-To
     * @param message   the message as queued (CRLF line ends)
     * @return the delivered file in {@code new/}
     * @throws DiskFull when the message did not fit on the file system (nothing of it is left)
     */
    public Path store(String sender, String recipient, InputStream message) throws IOException {
        Path tmp = root.resolve("tmp");
        Path fresh = root.resolve("new");
        folders();
        String name = uniqueName();
        Path file = tmp.resolve(name);
        try (FileChannel channel = OwnerOnly.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            out.write(("Return-Path: <" + sender + ">\nDelivered-To: " + recipient + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            copyWithLf(message, out);
            out.flush();
            channel.force(true);
        } catch (FileAlreadyExistsException e) {
            throw e; // not ours (a unique name is never reused): leave it alone
        } catch (IOException e) {
            IOException failure = DiskFull.classify(e, tmp); // before the partial file goes: that frees room
            Files.deleteIfExists(file);
            throw failure;
        } catch (RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        Path delivered = fresh.resolve(name);
        try {
            realFolder(fresh); // again: new/ may have been swapped for a link while the message was written
            Files.createLink(delivered, file); // link, not rename: never replaces an existing message
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        Files.delete(file);
        newSync.sync();
        return delivered;
    }

    /**
     * Makes sure the mailbox folder and its tmp/, new/ and cur/ are real directories, making those that are missing;
     * the first time per instance, also clears stale files from tmp/.
     */
    private void folders() throws IOException {
        if (!Files.isDirectory(mailRoot)) {
            OwnerOnly.folders(mailRoot); // the root may be a link: the operator's choice
        }
        folder(root);
        for (String sub : new String[] {"tmp", "new", "cur"}) {
            folder(root.resolve(sub));
        }
        if (!cleaned) {
            removeStale(root.resolve("tmp"));
            cleaned = true;
        }
    }

    /** One folder below the mail root: made (0700) if missing, else it must be a directory and not a link. */
    private static void folder(Path dir) throws IOException {
        try {
            realFolder(dir);
        } catch (NoSuchFileException e) {
            try {
                Files.createDirectory(dir, OwnerOnly.FOLDER); // mkdir(2) never follows a link, dangling or not
            } catch (FileAlreadyExistsException raced) {
                realFolder(dir);
            }
        }
    }

    private static void realFolder(Path dir) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(dir, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new FileSystemException(dir.toString(), null,
                    "a symbolic link in the mail root, refused (Maildir folders must be real directories)");
        }
        if (!attributes.isDirectory()) {
            throw new FileSystemException(dir.toString(), null, "not a directory, refused");
        }
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
                if (Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).compareTo(cutoff) < 0) {
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
