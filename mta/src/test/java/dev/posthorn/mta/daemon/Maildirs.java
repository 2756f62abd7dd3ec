package dev.posthorn.mta.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads what the daemon delivered into a Maildir, for the tests that start one. */
public final class Maildirs {

    private Maildirs() {
    }

    /** The messages in {@code maildir/new}, as text; empty while nothing has arrived. */
    public static List<String> messages(Path maildir) throws IOException {
        Path fresh = maildir.resolve("new");
        if (!Files.isDirectory(fresh)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(fresh)) {
            return files.map(file -> {
                try {
                    return Files.readString(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
