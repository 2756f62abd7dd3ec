package dev.posthorn.mta.auth;

import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.SessionInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    public static UserStore of(Map<String, String> hashes) {
        return new UserStore(hashes);
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
