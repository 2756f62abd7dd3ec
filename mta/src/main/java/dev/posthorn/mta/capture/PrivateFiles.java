package dev.posthorn.mta.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Directories and files of the capture store, created readable by their owner only (0700 and 0600) where the file
 * system has POSIX permissions: captured mail can hold real people's data, and the umask would make it readable to
 * every local user. Elsewhere they are created as the platform does.
 */
final class PrivateFiles {

    private PrivateFiles() {
    }

    /** Creates {@code dir} (0700) if missing, its parents as usual; an existing directory is left as it is. */
    static Path directory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            return Files.createDirectory(dir, attributes(dir, "rwx------"));
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(dir)) {
                return dir;
            }
            throw e;
        }
    }

    /** Creates {@code file} (0600) if missing, empty; an existing file is left as it is. */
    static void file(Path file) throws IOException {
        try {
            Files.createFile(file, attributes(file, "rw-------"));
        } catch (FileAlreadyExistsException e) {
            // kept: its permissions are what its owner chose
        }
    }

    /** A new file (0600) to write, truncated if it exists. */
    static OutputStream newOutputStream(Path file) throws IOException {
        return Channels.newOutputStream(Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), attributes(file, "rw-------")));
    }

    private static FileAttribute<?>[] attributes(Path path, String permissions) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }
}
