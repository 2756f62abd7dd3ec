package dev.posthorn.mta.spool;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small file system of its own (a tmpfs) for tests of what a full disk does: writes into it fail with the kernel's
 * own {@code ENOSPC}, as on a real spool disk, through the real code path. Mounting needs root: elsewhere the test
 * is skipped (an assumption), never faked. CI runs as root.
 */
public final class SmallDisk implements AutoCloseable {

    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code octets} (a multiple of 4096) at {@code mountPoint}, made if missing. */
    public static SmallDisk mount(Path mountPoint, long octets) throws IOException, InterruptedException {
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "mounting a tmpfs needs root");
        Files.createDirectories(mountPoint);
        int exit = run("mount", "-t", "tmpfs", "-o", "size=" + octets + ",mode=0700", "posthorn-test",
                mountPoint.toString());
        assumeTrue(exit == 0, "mount -t tmpfs failed (no CAP_SYS_ADMIN here?)");
        return new SmallDisk(mountPoint);
    }

    public Path root() {
        return mountPoint;
    }

    /** Makes the file system {@code octets} large (room made, as by an operator freeing space). */
    public void resize(long octets) throws IOException, InterruptedException {
        if (run("mount", "-o", "remount,size=" + octets, mountPoint.toString()) != 0) {
            throw new IOException("could not resize the tmpfs at " + mountPoint);
        }
    }

    /** Free octets, as the spool sees them. */
    public long usable() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    @Override
    public void close() throws IOException {
        try {
            if (run("umount", mountPoint.toString()) != 0) {
                run("umount", "-l", mountPoint.toString()); // a file still open: detach now, gone when closed
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
