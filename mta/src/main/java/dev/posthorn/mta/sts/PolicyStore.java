package dev.posthorn.mta.sts;

import dev.posthorn.mta.spool.OwnerOnly;
import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetched policies on disk, one file per domain ({@code <domain>.policy}), so that a restart does not forget them:
 * forgetting would let an attacker who blocks the policy host downgrade delivery for a freshly restarted server
 * (RFC 8461 10.1 relies on the cache for this). A file is written to a temporary name, forced, and renamed; a file
 * that does not read back (torn, edited, too large) is deleted and logged, and the policy is fetched again.
 *
 * <p>Format: a first line {@code posthorn-mta-sts 1}, then {@code domain:}, {@code id:} and {@code fetched:} (Unix
 * seconds) lines, an empty line, and the policy body as received.
 */
public final class PolicyStore {

    private static final Logger log = LoggerFactory.getLogger(PolicyStore.class);
    private static final String MAGIC = "posthorn-mta-sts 1";
    private static final String SUFFIX = ".policy";
    /** A domain as it may appear in a file name: validated ASCII host names only, so no path can be formed. */
    private static final Pattern FILE_DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,252}[a-z0-9])?");
    private static final int MAX_FILE = PolicyFetcher.MAX_BODY + 1024;

    private final Path folder;

    public PolicyStore(Path folder) {
        this.folder = folder;
    }

    /** Every policy that reads back; the others are deleted. */
    public List<CachedPolicy> load() throws IOException {
        List<CachedPolicy> policies = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return policies;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                try {
                    policies.add(read(file));
                } catch (IOException | IllegalArgumentException e) {
                    log.warn("MTA-STS cache file {} is unusable ({}); deleted, the policy will be fetched again",
                            LogText.escape(file), LogText.escape(e.getMessage()));
                    Files.deleteIfExists(file);
                }
            }
        }
        return policies;
    }

    private static CachedPolicy read(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE + 1);
        }
        if (bytes.length > MAX_FILE) {
            throw new IOException("larger than " + MAX_FILE + " octets");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int blank = text.indexOf("\n\n");
        if (blank < 0) {
            throw new IOException("no end of header");
        }
        String[] header = text.substring(0, blank).split("\n");
        if (header.length != 4 || !header[0].equals(MAGIC)) {
            throw new IOException("not a policy cache file");
        }
        String domain = field(header[1], "domain");
        String id = field(header[2], "id");
        long fetched;
        try {
            fetched = Long.parseLong(field(header[3], "fetched"));
        } catch (NumberFormatException e) {
            throw new IOException("bad fetched time");
        }
        if (!file.getFileName().toString().equals(domain + SUFFIX)) {
            throw new IOException("file name does not match domain");
        }
        String body = text.substring(blank + 2);
        return new CachedPolicy(domain, new StsRecord(id).id(), body, StsPolicy.parse(body),
                Instant.ofEpochSecond(fetched));
    }

    private static String field(String line, String name) throws IOException {
        if (!line.startsWith(name + ": ")) {
            throw new IOException("expected " + name);
        }
        return line.substring(name.length() + 2);
    }

    /** Writes {@code policy}, replacing the domain's previous one. */
    public void save(CachedPolicy policy) throws IOException {
        Path file = file(policy.domain());
        OwnerOnly.folders(folder);
        String text = MAGIC + "\ndomain: " + policy.domain() + "\nid: " + policy.id() + "\nfetched: "
                + policy.fetched().getEpochSecond() + "\n\n" + policy.body();
        Path temporary = folder.resolve(policy.domain() + SUFFIX + ".tmp");
        try (FileChannel channel = OwnerOnly.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Forgets the domain's policy (expired, or evicted from the bounded cache). */
    public void delete(String domain) throws IOException {
        Files.deleteIfExists(file(domain));
    }

    private Path file(String domain) {
        if (!FILE_DOMAIN.matcher(domain).matches() || domain.contains("..")) {
            throw new IllegalArgumentException("not a cacheable domain name: " + domain);
        }
        return folder.resolve(domain + SUFFIX);
    }
}
