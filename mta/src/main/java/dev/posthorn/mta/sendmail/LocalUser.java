package dev.posthorn.mta.sendmail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local user who runs sendmail: the name of the process's user (the JVM reads it from the password database by
 * uid) and the uid, for the Received field and the default sender. The name is reduced to characters that are safe
 * in a local part and a header field.
 *
 * @param name the user name, e.g. {@code alice}
 * @param uid  the user id, or -1 where the system does not tell
 */
public record LocalUser(String name, long uid) {

    public static LocalUser current() {
        String name = System.getProperty("user.name", "");
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        long uid;
        try {
            uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            uid = -1;
        }
        return new LocalUser(safe.isEmpty() || safe.startsWith(".") ? "nobody" : safe, uid);
    }

    /** As the Received field names the user: {@code alice, uid 1000}. */
    public String describe() {
        return uid < 0 ? name : name + ", uid " + uid;
    }
}
