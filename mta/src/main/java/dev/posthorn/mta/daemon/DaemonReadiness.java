package dev.posthorn.mta.daemon;

import dev.posthorn.mta.admin.Readiness;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The daemon's answer to {@code GET /readyz}: every SMTP listener bound and accepting, the spool writable (a file
 * really created and removed in its {@code tmp/}: a permission check alone says nothing for root or a read-only
 * mount), and free space on its file system above {@code limits.min_free_disk} (below it, MAIL gets 452 anyway).
 */
final class DaemonReadiness implements Readiness {

    private static final long REUSE_NANOS = 1_000_000_000L;

    private final Supplier<List<SmtpServer>> running;
    private volatile Checked checked;
    private final Spool spool;
    private final LongSupplier minFreeDisk;

    /** {@code running} and {@code minFreeDisk} are asked at each check: a reload changes both. */
    DaemonReadiness(Supplier<List<SmtpServer>> running, Spool spool, LongSupplier minFreeDisk) {
        this.running = running;
        this.spool = spool;
        this.minFreeDisk = minFreeDisk;
    }

    /**
     * The last answer is reused for a second: {@code /readyz} needs no token, and each fresh answer writes a probe
     * file into the spool, so a client that asks in a loop costs the disk nothing more than one probe a second.
     */
    @Override
    public List<Failure> failures() {
        long now = System.nanoTime();
        Checked last = checked;
        if (last != null && now - last.at() < REUSE_NANOS) {
            return last.failures();
        }
        List<Failure> failures = check();
        checked = new Checked(now, failures);
        return failures;
    }

    private record Checked(long at, List<Failure> failures) {
    }

    private List<Failure> check() {
        List<Failure> failures = new ArrayList<>();
        List<SmtpServer> servers = running.get();
        long minFreeDisk = this.minFreeDisk.getAsLong();
        long down = servers.stream().filter(server -> !server.listening()).count();
        if (down > 0) {
            failures.add(new Failure("listeners", down + " of " + servers.size() + " SMTP listeners not accepting"));
        }
        try {
            Path probe = Files.createTempFile(spool.root().resolve("tmp"), ".ready-", ".probe");
            Files.delete(probe);
        } catch (IOException | RuntimeException e) {
            failures.add(new Failure("spool", "the spool is not writable: " + e.getClass().getSimpleName()));
        }
        try {
            long free = spool.usableSpace();
            if (free < minFreeDisk) {
                failures.add(new Failure("disk", "free space " + free + " octets is below limits.min_free_disk "
                        + minFreeDisk));
            }
        } catch (IOException e) {
            failures.add(new Failure("disk", "free space unknown: " + e.getClass().getSimpleName()));
        }
        return List.copyOf(failures);
    }
}
