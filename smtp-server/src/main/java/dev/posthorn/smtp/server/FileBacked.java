package dev.posthorn.smtp.server;

import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value loaded from files and loaded again when they change: a TLS certificate an ACME client renews, a list the
 * distribution updates. There is no thread of its own: {@link #get()} looks at the files' modification times and
 * sizes at most once per interval and, when they changed, loads anew before answering. A new version that does not
 * load leaves the previous value in use, with a warning, and is not tried again until the files change again; so a
 * file caught half-written is taken up once it is whole.
 *
 * @param <T> what the files hold
 */
public final class FileBacked<T> implements Supplier<T> {

    /** Reads the files into a value; an exception means they hold no usable value. */
    @FunctionalInterface
    public interface Loader<T> {
        T load() throws IOException;
    }

    private static final Logger log = LoggerFactory.getLogger(FileBacked.class);

    private final String what;
    private final List<Path> files;
    private final long intervalNanos;
    private final Loader<T> loader;
    private volatile T value;
    private volatile String stamp;
    private volatile long checkedAt;

    private FileBacked(String what, List<Path> files, Duration interval, Loader<T> loader, T value, String stamp) {
        this.what = what;
        this.files = files;
        this.intervalNanos = interval.toNanos();
        this.loader = loader;
        this.value = value;
        this.stamp = stamp;
        this.checkedAt = System.nanoTime();
    }

    /**
     * Loads the value now (which must succeed) and watches {@code files} from then on.
     *
     * @param what names the value in log lines ("TLS certificate")
     * @param interval how long {@link #get()} trusts its last look at the files
     * @param loader reads the files
     * @throws IOException from the first load
     */
    public static <T> FileBacked<T> load(String what, Duration interval, Loader<T> loader, Path... files)
            throws IOException {
        if (files.length == 0) {
            throw new IllegalArgumentException("no file to watch");
        }
        List<Path> watched = List.of(files);
        String stamp = stamp(watched); // before loading: a change during the load is then seen at the next look
        T first = Objects.requireNonNull(loader.load(), "loaded value");
        return new FileBacked<>(what, watched, interval, loader, first, stamp);
    }

    /** The value, loaded again first if the interval has passed and the files changed since the last load. */
    @Override
    public T get() {
        long now = System.nanoTime();
        if (now - checkedAt >= intervalNanos) {
            checkedAt = now;
            reloadIfChanged();
        }
        return value;
    }

    private void reloadIfChanged() {
        String current = stamp(files);
        if (current.equals(stamp)) {
            return;
        }
        synchronized (this) {
            if (current.equals(stamp)) {
                return; // another caller loaded it meanwhile
            }
            try {
                value = Objects.requireNonNull(loader.load(), "loaded value");
                log.info("{} reloaded from {}", what, files.getFirst());
            } catch (IOException | RuntimeException e) {
                log.warn("{} in {} not reloaded, keeping the one in use: {}", what, files.getFirst(),
                        LogText.escape(e));
            }
            stamp = current;
        }
    }

    /** What identifies this version of the files: each one's modification time and size. */
    private static String stamp(List<Path> files) {
        StringBuilder stamp = new StringBuilder();
        for (Path file : files) {
            try {
                stamp.append(Files.getLastModifiedTime(file)).append('/').append(Files.size(file)).append('|');
            } catch (IOException e) {
                stamp.append("unreadable|");
            }
        }
        return stamp.toString();
    }
}
