package dev.posthorn.smtp.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One parsed dialogue file: a conversation with a freshly started server, and the server settings ({@code SET}) the
 * case needs. The format is specified in {@code conformance/shared/README.md}; the parser is strict, because a typo in
 * a conformance case that silently turned into a weaker check would let a broken server pass.
 *
 * @param name     where the dialogue came from (the file name), for reports
 * @param steps    the steps in file order, at least one; {@code C*} and {@code S*} stay single steps with a count
 * @param settings the {@code SET key=value} lines in file order
 */
public record Dialog(String name, List<Step> steps, Map<String, String> settings) {

    public Dialog {
        Objects.requireNonNull(name, "name");
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException(name + ": a dialogue has at least one step");
        }
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * Parses the text of a dialogue file.
     *
     * @param name used in error messages and in {@link DialogResult#name()}
     * @throws IllegalArgumentException naming the file and line of the first malformed line
     */
    public static Dialog parse(String name, String text) {
        return DialogParser.parse(name, text);
    }

    /** The value of a {@code SET} line, if the dialogue has one for {@code key}. */
    public Optional<String> setting(String key) {
        return Optional.ofNullable(settings.get(key));
    }
}
