package dev.posthorn.mta.auth;

import dev.posthorn.mta.spool.OwnerOnly;
import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.FileBacked;
import dev.posthorn.smtp.server.SessionInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users file: one {@code name:hash} a line ({@code #} comments and blank lines allowed), names case-sensitive
 * as written. An {@link Authenticator} for the SMTP server's AUTH.
 */
public final class UserStore implements Authenticator {

    private final Map<String, String> hashes;

    private UserStore(Map<String, String> hashes) {
        this.hashes = Map.copyOf(hashes);
    }

    /** @throws IOException when the file cannot be read or a line is not {@code name:supported-hash} */
    public static UserStore load(Path file) throws IOException {
        Map<String, String> hashes = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !PasswordHash.isSupported(line.substring(colon + 1))) {
                throw new IOException(file + ":" + (i + 1) + ": expected name:hash (argon2id or bcrypt)");
            }
            if (hashes.put(line.substring(0, colon), line.substring(colon + 1)) != null) {
                throw new IOException(file + ":" + (i + 1) + ": user " + line.substring(0, colon) + " twice");
            }
        }
        return new UserStore(hashes);
    }

    /**
     * AUTH against {@code file} as it is now: {@code posthorn user add|passwd|del} replace the file atomically, and
     * the next AUTH after that (the file is looked at at most once a second, {@link FileBacked}) sees the change, so
     * a new user needs no restart. A version of the file that does not load leaves the last good one in use.
     */
    public static Authenticator watching(Path file) throws IOException {
        FileBacked<UserStore> users = FileBacked.load("users file", Duration.ofSeconds(1), () -> load(file), file);
        return (session, credentials) -> users.get().authenticate(session, credentials);
    }

    /** Creates {@code file} empty and readable by its owner only, unless it exists; true if it was created. */
    public static boolean createIfMissing(Path file) throws IOException {
        try {
            Files.createFile(file, OwnerOnly.FILE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    public static UserStore of(Map<String, String> hashes) {
        return new UserStore(hashes);
    }

    /** The users in file order. */
    public java.util.List<String> users() {
        return java.util.List.copyOf(hashes.keySet());
    }

    /**
     * Sets (adds or replaces) or, with a {@code null} hash, removes a user in {@code file}, keeping every other line
     * (comments included) as it was; the file is replaced atomically and stays readable by its owner only.
     */
    public static void update(Path file, String user, String hash) throws IOException {
        if (user.isEmpty() || user.chars().anyMatch(c -> c == ':' || c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("a user name has no colon, space or control character");
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        boolean found = false;
        for (String line : Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8)
                : java.util.List.<String>of()) {
            if (line.startsWith(user + ":")) {
                found = true;
                if (hash != null) {
                    out.add(user + ":" + hash);
                }
            } else {
                out.add(line);
            }
        }
        if (!found && hash != null) {
            out.add(user + ":" + hash);
        }
        if (!found && hash == null) {
            throw new IllegalArgumentException("no user " + user + " in " + file);
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.write(temporary, out, StandardCharsets.UTF_8);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public boolean contains(String user) {
        return hashes.containsKey(user);
    }

    @Override
    public AuthResult authenticate(SessionInfo session, Credentials credentials) {
        char[] password = credentials.password().toCharArray();
        String stored = hashes.get(credentials.username());
        if (stored == null) {
            PasswordHash.decoy(password);
            return new AuthResult.Failure();
        }
        boolean authorizedAsSelf = credentials.authorizationId().isEmpty()
                || credentials.authorizationId().equals(credentials.username());
        return PasswordHash.verify(stored, password) && authorizedAsSelf
                ? new AuthResult.Success(credentials.username()) : new AuthResult.Failure();
    }
}
