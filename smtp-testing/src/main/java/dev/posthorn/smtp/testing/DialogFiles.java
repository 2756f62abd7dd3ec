package dev.posthorn.smtp.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads a directory of dialogue files. The order is by file name, so the numbered conformance cases run in the order
 * their authors meant and a report reads the same on every machine.
 */
public final class DialogFiles {

    /** The file name ending of a dialogue file. */
    public static final String EXTENSION = ".dialog";

    private DialogFiles() {
    }

    /**
     * Finds {@code relative} (e.g. {@code conformance/shared}) in the working directory or the nearest parent that
     * has it: Maven runs tests in a module's directory, and the cases live at the top of the checkout.
     *
     * @throws IOException if no parent has it
     */
    public static Path findUpwards(String relative) throws IOException {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IOException("no " + relative + " directory in or above " + start);
    }

    /**
     * Every conformance case a Posthorn server must pass: the shared ones (kept in the repository as
     * {@code conformance/shared}, a copy of the team's shared cases) followed by Posthorn's own ({@code conformance/}),
     * each folder found with {@link #findUpwards}.
     */
    public static List<Dialog> conformanceCases() throws IOException {
        List<Dialog> all = new ArrayList<>(load(findUpwards("conformance/shared")));
        all.addAll(load(findUpwards("conformance")));
        return List.copyOf(all);
    }

    /**
     * Parses every regular {@code *.dialog} file directly in {@code dir} (not in subdirectories), named by file name.
     *
     * @throws IOException              if the directory or a file cannot be read, or a file is not UTF-8
     * @throws IllegalArgumentException if a file is malformed (naming the file and line)
     */
    public static List<Dialog> load(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(EXTENSION))
                    .sorted(Comparator.comparing(file -> file.getFileName().toString()))
                    .toList();
        }
        List<Dialog> dialogs = new ArrayList<>(files.size());
        for (Path file : files) {
            dialogs.add(Dialog.parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
        }
        return List.copyOf(dialogs);
    }
}
