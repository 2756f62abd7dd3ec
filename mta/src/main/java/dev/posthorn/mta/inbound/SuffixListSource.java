package dev.posthorn.mta.inbound;

import dev.posthorn.mailauth.dmarc.PublicSuffixList;
import dev.posthorn.smtp.server.FileBacked;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the public suffix list comes from while the daemon runs: a file, read again when it changes (the
 * distribution updates it; looked at at most once a minute, see {@link FileBacked}), or the bundled copy when no file
 * is configured and the system has none. A changed file that does not read leaves the previous list in use.
 */
public final class SuffixListSource implements Supplier<PublicSuffixList> {

    private static final Logger log = LoggerFactory.getLogger(SuffixListSource.class);
    /** How long a look at the file is trusted: the list changes a few times a month. */
    static final Duration RECHECK = Duration.ofMinutes(1);

    private final Supplier<PublicSuffixList> list;

    private SuffixListSource(Supplier<PublicSuffixList> list) {
        this.list = list;
    }

    /**
     * The list from {@code configured}, which must read; without one, from {@link PublicSuffixList#SYSTEM_FILE} if
     * that exists, else the bundled copy.
     *
     * @throws IOException when the configured file (or the existing system file) cannot be read as a list
     */
    public static SuffixListSource open(Optional<Path> configured) throws IOException {
        return open(configured, RECHECK);
    }

    /** {@link #open(Optional)} with another interval between looks at the file (for tests). */
    static SuffixListSource open(Optional<Path> configured, Duration recheck) throws IOException {
        Path file = configured.orElse(PublicSuffixList.SYSTEM_FILE);
        if (configured.isEmpty() && !Files.exists(file)) {
            log.warn("no public suffix list at {}; using the copy bundled with Posthorn, which ages with the release"
                    + " (install Debian's publicsuffix package, or set checks.public_suffix_list)", file);
            return of(PublicSuffixList.bundled());
        }
        try {
            return new SuffixListSource(
                    FileBacked.load("public suffix list", recheck, () -> PublicSuffixList.load(file), file));
        } catch (IOException e) {
            throw new IOException("public suffix list " + file + ": " + e.getMessage(), e);
        }
    }

    /** A fixed list, for tests and tools. */
    public static SuffixListSource of(PublicSuffixList list) {
        return new SuffixListSource(() -> list);
    }

    @Override
    public PublicSuffixList get() {
        return list.get();
    }
}
