package dev.posthorn.mta.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * A maildrop of plain files, for tests that need no capture store: mailbox {@code m} is the folder {@code ROOT/m}
 * (percent-encoded, dots too, so no name leaves the root), each message a file {@code ID.eml} in it, ordered by
 * name.
 */
final class DirectoryMaildrop implements Maildrop {

    private final Path dir;

    private DirectoryMaildrop(Path dir) {
        this.dir = dir;
    }

    static Maildrop.Factory factory(Path root) {
        return mailbox -> new DirectoryMaildrop(folder(root, mailbox));
    }

    static Path folder(Path root, String mailbox) {
        return root.resolve(URLEncoder.encode(mailbox, StandardCharsets.UTF_8).replace(".", "%2E"));
    }

    /** Writes message {@code id} into {@code mailbox}'s folder. */
    static Path put(Path root, String mailbox, String id, String text) throws IOException {
        Path folder = Files.createDirectories(folder(root, mailbox));
        return Files.writeString(folder.resolve(id + ".eml"), text, StandardCharsets.UTF_8);
    }

    @Override
    public List<Entry> messages() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".eml")).sorted().map(this::entry).toList();
        }
    }

    private Entry entry(Path file) {
        try {
            String name = file.getFileName().toString();
            return new Entry(name.substring(0, name.length() - ".eml".length()), Files.size(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public InputStream open(String id) throws IOException {
        return Files.newInputStream(dir.resolve(id + ".eml"));
    }

    @Override
    public void delete(Collection<String> ids) throws IOException {
        for (String id : ids) {
            Files.deleteIfExists(dir.resolve(id + ".eml"));
        }
    }
}
