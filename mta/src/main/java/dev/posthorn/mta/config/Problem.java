package dev.posthorn.mta.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration file, located so that the operator can go straight to it.
 *
 * @param file   the file as it was named to the loader
 * @param line   1-based line, or 0 when the problem concerns the whole file (unreadable, too large)
 * @param column 1-based column, or 0 with line 0
 * @param key    the key path, e.g. {@code domains.example.org.delivery} or {@code listeners[1].port}; empty when
 *               the problem is in the YAML syntax itself
 * @param reason what is wrong, in the operator's words
 */
public record Problem(String file, int line, int column, String key, String reason) {

    public Problem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code posthorn.yaml:12:5: domains.example.org.delivery: expected maildir or lmtp}, the form compilers use. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(file);
        if (line > 0) {
            out.append(':').append(line).append(':').append(column);
        }
        out.append(": ");
        if (!key.isEmpty()) {
            out.append(key).append(": ");
        }
        return out.append(reason).toString();
    }
}
