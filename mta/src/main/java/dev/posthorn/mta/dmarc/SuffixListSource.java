package dev.posthorn.mta.dmarc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the public suffix list comes from while the daemon runs: a file, read again when it changes (the
 * distribution updates it; looked at most once a minute), or the bundled copy when no file is configured and the
 * system has none. A changed file that does not read leaves the previous list in use.
 */
public final class SuffixListSource implements Supplier<PublicSuffixList> {

    private static final Logger log = LoggerFactory.getLogger(SuffixListSource.class);
    private static final long RECHECK_NANOS = 60_000_000_000L;

    private final Path file;
    private volatile PublicSuffixList list;
    private volatile FileTime modified;
    private volatile long checkedAt;

    private SuffixListSource(Path file, PublicSuffixList list, FileTime modified) {
        this.file = file;
        this.list = list;
        this.modified = modified;
        this.checkedAt = System.nanoTime();
    }

    /**
     * The list from {@code configured}, which must read; without one, from {@link PublicSuffixList#SYSTEM_FILE} if
     * that exists, else the bundled copy.
     *
     * @throws IOException when the configured file (or the existing system file) cannot be read as a list
     */
    public static SuffixListSource open(Optional<Path> configured) throws IOException {
        Path file = configured.orElse(PublicSuffixList.SYSTEM_FILE);
        if (configured.isEmpty() && !Files.exists(file)) {
            log.warn("no public suffix list at {}; using the copy bundled with Posthorn, which ages with the release"
                    + " (install Debian's publicsuffix package, or set checks.public_suffix_list)", file);
            return new SuffixListSource(null, PublicSuffixList.bundled(), null);
        }
        FileTime modified = Files.getLastModifiedTime(file);
        try {
            return new SuffixListSource(file, PublicSuffixList.load(file), modified);
        } catch (IOException e) {
            throw new IOException("public suffix list " + file + ": " + e.getMessage(), e);
        }
    }

    /** A fixed list, for tests and tools. */
    public static SuffixListSource of(PublicSuffixList list) {
        return new SuffixListSource(null, list, null);
    }

    @Override
    public PublicSuffixList get() {
        if (file != null && System.nanoTime() - checkedAt > RECHECK_NANOS) {
            checkedAt = System.nanoTime();
            reloadIfChanged();
        }
        return list;
    }

    private void reloadIfChanged() {
        try {
            FileTime now = Files.getLastModifiedTime(file);
            if (!now.equals(modified)) {
                list = PublicSuffixList.load(file);
                modified = now;
                log.info("public suffix list {} reloaded", file);
            }
        } catch (IOException e) {
            log.warn("public suffix list {} not reloaded, the previous one stays in use: {}", file, e.toString());
        }
    }
}
