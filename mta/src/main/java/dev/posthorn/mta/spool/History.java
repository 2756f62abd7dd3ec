package dev.posthorn.mta.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A message's attempt history, {@code queue/<id>.history}: one line of text per attempt, appended, read back for the
 * operator ({@code posthorn explain}). The spool does not know what a line says (the queue runner writes JSON); it
 * keeps each line to {@link #MAX_LINE} octets without CR or LF, and reads back at most the last {@link #MAX_READ}
 * octets. It is diagnostics, not delivery state: appends are not forced, and a torn or damaged line costs only that
 * line, never the message's delivery.
 */
final class History {

    static final String SUFFIX = ".history";
    /** One attempt's record: the MX list, the TLS notes and a 20-line transcript for each recipient fit well. */
    static final int MAX_LINE = 64 * 1024;
    /** What is read back: the last attempts of a message retried for days. */
    static final int MAX_READ = 1 << 20;

    private History() {
    }

    /**
     * Appends {@code line} (CR and LF replaced, cut at {@link #MAX_LINE}); false when the line was cut. A history
     * grown past twice {@link #MAX_READ} (a message retried for days) is cut to its last lines first, through a file
     * in {@code tmp}, so the disk holds no more than a reader would ever show.
     */
    static boolean append(Path file, Path tmp, String line) throws IOException {
        try {
            if (java.nio.file.Files.size(file) > 2L * MAX_READ) {
                Path shorter = tmp.resolve(file.getFileName());
                ByteBuffer kept = ByteBuffer.wrap((String.join("\n", read(file)) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                try (FileChannel channel = OwnerOnly.open(shorter, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    while (kept.hasRemaining()) {
                        channel.write(kept);
                    }
                }
                java.nio.file.Files.move(shorter, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (NoSuchFileException e) {
            // the first attempt's line
        }
        String kept = clean(line);
        byte[] bytes = (kept + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try (FileChannel channel = OwnerOnly.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
        return kept.length() == line.length();
    }

    /**
     * {@code line} as it is kept: CR and LF replaced by spaces, cut to less than {@link #MAX_LINE} octets of UTF-8 at
     * a character's end. The caller compares lengths to learn whether it was cut.
     */
    static String clean(String line) {
        String flat = line.replace('\r', ' ').replace('\n', ' ');
        if (flat.length() < MAX_LINE / 4 || flat.getBytes(StandardCharsets.UTF_8).length < MAX_LINE) {
            return flat;
        }
        int octets = 0;
        int end = 0;
        while (end < flat.length()) {
            int c = flat.codePointAt(end);
            int size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            if (octets + size >= MAX_LINE) {
                break;
            }
            octets += size;
            end += Character.charCount(c);
        }
        return flat.substring(0, end);
    }

    /** The whole lines among the last {@link #MAX_READ} octets, oldest first; empty when there is no history. */
    static List<String> read(Path file) throws IOException {
        byte[] bytes;
        long start;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            start = Math.max(0, size - MAX_READ);
            ByteBuffer buffer = ByteBuffer.allocate((int) (size - start));
            while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) > 0) {
                // read on until full or the file ends (it may have been cut meanwhile)
            }
            bytes = java.util.Arrays.copyOf(buffer.array(), buffer.position());
        } catch (NoSuchFileException e) {
            return List.of();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.removeLast(); // after the last newline: empty, or a torn last line
        if (start > 0 && !lines.isEmpty()) {
            lines.removeFirst(); // began mid-line
        }
        return lines;
    }
}
