package dev.posthorn.mta.spool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * What a look through the queue directory found: the earliest-due messages, at most as many as asked for, and when
 * the earliest of the others is due. Memory stays within the asked number however long the queue is; the cost is
 * one directory read and a file status or two per message, no message is opened.
 *
 * <p>A message's due time is its state file's modification time, which {@link Spool#save} sets to the next attempt
 * (as Postfix keeps it on its deferred queue files); a message no attempt has touched is due from its commit.
 *
 * @param due  at most the asked number of messages due by the horizon, earliest first
 * @param next the earliest due time of the messages left out (due ones that did not fit, and later ones)
 */
public record Scan(List<Due> due, Optional<Instant> next) {

    /**
     * The state file time of a held message: later than any horizon a scan is given, so a held message is never
     * found due, and not counted among those due later either (it waits for the operator, not for a time). Within
     * what file systems store (ext4 keeps times up to 2446; a far later one would come back cut).
     */
    public static final Instant HELD = Instant.parse("2200-01-01T00:00:00Z");

    private static final Comparator<Due> ORDER = Comparator.comparing(Due::at).thenComparing(Due::id);

    /**
     * A queued message as the directory lists it.
     *
     * @param id the queue id
     * @param at when the message is due
     */
    public record Due(String id, Instant at) {
    }

    public Scan {
        due = List.copyOf(due);
    }

    static Scan of(Path queue, String stateSuffix, Instant horizon, int max, Predicate<String> skip)
            throws IOException {
        PriorityQueue<Due> latestFirst = new PriorityQueue<>(Math.max(1, max), ORDER.reversed());
        Instant next = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queue)) {
            for (Path file : files) {
                String id = file.getFileName().toString();
                if (!SpoolEnvelope.isId(id) || skip.test(id)) {
                    continue;
                }
                Instant at = dueTime(queue, id, stateSuffix);
                if (at == null || !at.isBefore(HELD)) {
                    continue; // removed meanwhile, or held
                }
                Due left = new Due(id, at);
                if (!at.isAfter(horizon) && max > 0) {
                    latestFirst.add(left);
                    left = latestFirst.size() > max ? latestFirst.poll() : null;
                }
                if (left != null && (next == null || left.at().isBefore(next))) {
                    next = left.at();
                }
            }
        }
        List<Due> due = new ArrayList<>(latestFirst);
        due.sort(ORDER);
        return new Scan(due, Optional.ofNullable(next));
    }

    /**
     * How many queued messages there are by when they are due, from file times alone (no message is opened).
     *
     * @param due   due by the time asked for (new ones, ones being delivered, and retries that are due)
     * @param later waiting for a later retry
     * @param held  held by the operator
     */
    public record Census(int due, int later, int held) {
    }

    static Census census(Path queue, String stateSuffix, Instant now) throws IOException {
        int due = 0;
        int later = 0;
        int held = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queue)) {
            for (Path file : files) {
                String id = file.getFileName().toString();
                Instant at = SpoolEnvelope.isId(id) ? dueTime(queue, id, stateSuffix) : null;
                if (at == null) {
                    continue;
                }
                if (!at.isBefore(HELD)) {
                    held++;
                } else if (at.isAfter(now)) {
                    later++;
                } else {
                    due++;
                }
            }
        }
        return new Census(due, later, held);
    }

    /** The state file's time, else the message file's; {@code null} when the message is gone. */
    private static Instant dueTime(Path queue, String id, String stateSuffix) throws IOException {
        for (Path file : List.of(queue.resolve(id + stateSuffix), queue.resolve(id))) {
            try {
                return Files.getLastModifiedTime(file).toInstant();
            } catch (NoSuchFileException e) {
                // no state yet (try the message), or the message is gone
            }
        }
        return null;
    }
}
