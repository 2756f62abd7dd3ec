package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.Names;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * A mapping of the file: its keys, each checked once. Duplicate keys are errors (YAML 1.2 3.2.1.1 forbids them,
 * and a silent "last one wins" hides typos), and so are keys the reader does not know.
 */
final class Section {

    private final Value self;
    private final Map<String, Field> fields = new LinkedHashMap<>();

    /**
     * One entry of the mapping.
     *
     * @param name  the key as written
     * @param key   the key's node, with the entry's path, for problems about the key itself
     * @param value the value's node
     */
    record Field(String name, Value key, Value value) {
    }

    Section(Value self, MappingNode mapping) {
        this.self = self;
        for (NodeTuple tuple : mapping.getValue()) {
            Value rawKey = new Value(tuple.getKeyNode(), self.path(), self.problems());
            rawKey.string().ifPresent(name -> {
                String path = self.child(name);
                Field field = new Field(name, new Value(tuple.getKeyNode(), path, self.problems()),
                        new Value(tuple.getValueNode(), path, self.problems()));
                Field first = fields.putIfAbsent(name, field);
                if (first != null) {
                    field.key().problem("duplicate key (first at line " + line(first.key()) + ")");
                }
            });
        }
    }

    /** The mapping itself, for problems about it as a whole. */
    Value self() {
        return self;
    }

    Collection<Field> fields() {
        return fields.values();
    }

    /**
     * The fields of a mapping keyed by domain names (domains, routes), by lower-case name in file order: a key that
     * is not a domain name, or names a domain already listed (in any case), is recorded as a problem and left out.
     */
    Map<String, Field> domainKeyed() {
        Map<String, Field> byName = new LinkedHashMap<>();
        for (Field field : fields()) {
            Optional<String> problem = Names.domainProblem(field.name());
            String name = field.name().toLowerCase(Locale.ROOT);
            if (problem.isPresent()) {
                field.key().problem(problem.get());
            } else if (byName.containsKey(name)) {
                field.key().problem("domain listed twice (first at line " + line(byName.get(name).key()) + ")");
            } else {
                byName.put(name, field);
            }
        }
        return byName;
    }

    /** Records every key not in {@code known}, naming the keys that are allowed. */
    void allowOnly(List<String> known) {
        for (Field field : fields.values()) {
            if (!known.contains(field.name())) {
                field.key().problem("unknown key (expected " + String.join(", ", known) + ")");
            }
        }
    }

    Optional<Value> get(String name) {
        return Optional.ofNullable(fields.get(name)).map(Field::value);
    }

    /** The value of a key that must be there; a missing one is recorded against the mapping. */
    Optional<Value> require(String name) {
        Optional<Value> value = get(name);
        if (value.isEmpty()) {
            self.problems().add(self.node(), self.child(name), "missing key");
        }
        return value;
    }

    static int line(Value value) {
        return value.node().getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
    }
}
