package dev.posthorn.mta.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and folders that only Posthorn's own user may read: queued mail, mailboxes, keys, the admin token. The mode
 * is given when the file is created ({@code open(2)}/{@code mkdir(2)} with 0600/0700), so there is no moment when a
 * permissive umask (0 under some service managers and containers) lets another user open it; a chmod afterwards would
 * leave that window. The umask can only take bits away, never add group or other ones.
 */
public final class OwnerOnly {

    /** rw------- for a file. */
    public static final FileAttribute<Set<PosixFilePermission>> FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    /** rwx------ for a folder. */
    public static final FileAttribute<Set<PosixFilePermission>> FOLDER =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private OwnerOnly() {
    }

    /** Like {@link Files#createDirectories}: each folder it makes is 0700; existing ones are left as they are. */
    public static Path folders(Path dir) throws IOException {
        return Files.createDirectories(dir, FOLDER);
    }

    /** Like {@link FileChannel#open(Path, OpenOption...)}: a file it creates is 0600. */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, Set.of(options), FILE);
    }
}
