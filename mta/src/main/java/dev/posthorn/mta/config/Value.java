package dev.posthorn.mta.config;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One value of the file with its key path. Each accessor either returns the typed value or records why it cannot
 * (wrong type, out of range) against the value's line and returns empty, so that reading goes on.
 *
 * @param node     the YAML node
 * @param path     the key path, e.g. {@code listeners[0].port}
 * @param problems where problems go
 */
record Value(Node node, String path, Problems problems) {

    /** The only tags a configuration may carry: YAML 1.2 core schema types, nothing that builds objects. */
    private static final Set<Tag> CORE_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP,
            Tag.SEQ);

    void problem(String reason) {
        problems.add(node, path, reason);
    }

    /** A warning about this value: see {@link Problems#warn}. */
    void warning(String reason) {
        problems.warn(node, path, reason);
    }

    /**
     * Warns when {@code file}, a secret (a private key, a password, the users' hashes), may be read by other users
     * of the host: not a problem (the file works), but something the operator should fix.
     */
    void warnIfReadableByOthers(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            if (view.readAttributes().permissions().contains(PosixFilePermission.OTHERS_READ)) {
                warning("readable by every user of this host; chmod o-r " + file);
            }
        } catch (IOException e) {
            warning("cannot read the permissions of " + file + ": " + e.getMessage());
        }
    }

    /** A child's path: {@code path.name}. */
    String child(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    Optional<Section> section() {
        if (tagRefused()) {
            return Optional.empty();
        }
        if (node instanceof MappingNode mapping) {
            return Optional.of(new Section(this, mapping));
        }
        return refuse("expected a mapping");
    }

    /** A mapping whose keys must be among {@code allowed} (others are recorded as problems). */
    Optional<Section> section(List<String> allowed) {
        Optional<Section> section = section();
        section.ifPresent(s -> s.allowOnly(allowed));
        return section;
    }

    boolean isList() {
        return node instanceof SequenceNode;
    }

    /** The items of a list, each with its path {@code path[i]}. */
    Optional<List<Value>> list() {
        if (tagRefused()) {
            return Optional.empty();
        }
        if (node instanceof SequenceNode sequence) {
            List<Value> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                items.add(new Value(item, path + "[" + items.size() + "]", problems));
            }
            return Optional.of(items);
        }
        return refuse("expected a list");
    }

    /**
     * A string. Integers and other numbers are taken as written (a mailbox may be called {@code 1234}); booleans
     * and nulls are refused, since {@code true} or an empty value is rarely meant as a name.
     */
    Optional<String> string() {
        if (tagRefused()) {
            return Optional.empty();
        }
        if (node instanceof ScalarNode scalar
                && (scalar.getTag().equals(Tag.STR) || scalar.getTag().equals(Tag.INT)
                    || scalar.getTag().equals(Tag.FLOAT))) {
            return Optional.of(scalar.getValue());
        }
        return refuse("expected a string");
    }

    /** An integer within {@code [min, max]}; {@code rangeReason} says why when it is outside. */
    Optional<Long> integer(long min, long max, String rangeReason) {
        if (tagRefused()) {
            return Optional.empty();
        }
        if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.INT)) {
            return refuse("expected an integer");
        }
        long value;
        try {
            value = parseCoreInteger(scalar.getValue()).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return refuse("not an integer in range: " + scalar.getValue());
        }
        if (value < min || value > max) {
            problem(rangeReason);
            return Optional.empty();
        }
        return Optional.of(value);
    }

    Optional<Boolean> bool() {
        if (tagRefused()) {
            return Optional.empty();
        }
        if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
            return Optional.of(scalar.getValue().equalsIgnoreCase("true"));
        }
        return refuse("expected true or false");
    }

    /** A path, resolved against {@code folder} (the configuration file's) when relative. */
    Optional<Path> file(Path folder) {
        return parsed(text -> {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty path");
            }
            try {
                return folder.resolve(text).normalize();
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("not a path: " + e.getReason(), e);
            }
        });
    }

    /** A string turned into a value by {@code parser}; its {@link IllegalArgumentException} becomes the reason. */
    <T> Optional<T> parsed(Function<String, T> parser) {
        return string().flatMap(text -> {
            try {
                return Optional.of(parser.apply(text));
            } catch (IllegalArgumentException e) {
                problem(e.getMessage());
                return Optional.empty();
            }
        });
    }

    private <T> Optional<T> refuse(String expected) {
        problem(expected + ", got " + kind());
        return Optional.empty();
    }

    private String kind() {
        Tag tag = node.getTag();
        if (tag.equals(Tag.MAP)) {
            return "a mapping";
        } else if (tag.equals(Tag.SEQ)) {
            return "a list";
        } else if (tag.equals(Tag.NULL)) {
            return "nothing";
        } else if (tag.equals(Tag.BOOL)) {
            return "a boolean";
        } else if (tag.equals(Tag.INT)) {
            return "an integer";
        } else if (tag.equals(Tag.FLOAT)) {
            return "a number with a fraction";
        }
        return "a string";
    }

    /** Refuses tags outside the core schema ({@code !!binary}, {@code !custom}); none of them means anything here. */
    private boolean tagRefused() {
        Tag tag = node.getTag();
        if (CORE_TAGS.contains(tag)) {
            return false;
        }
        problem(tag.equals(Tag.ENV_TAG)
                ? "${...} is not expanded; quote the value to use it as written"
                : "unsupported tag " + tag.getValue());
        return true;
    }

    /** The YAML 1.2 core schema's integer forms: decimal with an optional sign, {@code 0o} octal, {@code 0x} hex. */
    private static BigInteger parseCoreInteger(String text) {
        if (text.startsWith("0x")) {
            return new BigInteger(text.substring(2), 16);
        } else if (text.startsWith("0o")) {
            return new BigInteger(text.substring(2), 8);
        }
        return new BigInteger(text);
    }
}
