package dev.posthorn.mta.sendmail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local user who runs sendmail: the process's uid and its name in the password database, for the Received field
 * and the default sender. Both come from the system (the owner of {@code /proc/self}), never from the
 * {@code user.name} property, which the caller could set. The name is reduced to characters that are safe in a local
 * part and a header field.
 *
 * @param name the user name, e.g. {@code alice}
 * @param uid  the user id, or -1 where the system does not tell
 */
public record LocalUser(String name, long uid) {

    public static LocalUser current() {
        String name;
        long uid;
        try {
            Path self = Path.of("/proc/self");
            uid = ((Number) Files.getAttribute(self, "unix:uid")).longValue();
            name = Files.getOwner(self).getName(); // the password database's name for the uid, or the number
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            uid = -1;
            name = "nobody";
        }
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return new LocalUser(safe.isEmpty() || safe.startsWith(".") ? "nobody" : safe, uid);
    }

    /** As the Received field names the user: {@code alice, uid 1000}. */
    public String describe() {
        return uid < 0 ? name : name + ", uid " + uid;
    }
}
