package dev.posthorn.mta.daemon;

import dev.posthorn.mta.spool.SpoolEnvelope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a test daemon's spool holds, read from its directory: message files are named by their queue id, state files
 * end in {@code .state}, and spare files kept for reuse are neither.
 */
final class SpoolFiles {

    private SpoolFiles() {
    }

    /** Messages in {@code dir/spool/queue}. */
    static long messages(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("spool/queue"))) {
            return files.filter(f -> SpoolEnvelope.isId(f.getFileName().toString())).count();
        }
    }

    /** State files in {@code dir/spool/queue}. */
    static List<Path> states(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("spool/queue"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".state")).toList();
        }
    }
}
