package dev.posthorn.mta.config;

import dev.posthorn.smtp.LogText;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Collects the problems of one file while it is read, so that reading goes on past the first one and the operator
 * sees them all.
 */
final class Problems {

    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private final String file;
    private final List<Problem> found = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    /** A problem at a node of the file; marks from the YAML library count from 0, an operator's from 1. */
    void add(Node node, String key, String reason) {
        add(node.getStartMark(), key, reason);
    }

    void add(Optional<Mark> mark, String key, String reason) {
        found.add(at(mark, key, reason));
    }

    /**
     * Something the operator should fix that does not make the file unusable: logged as a warning, in the form of a
     * problem, and not counted among the problems.
     */
    void warn(Node node, String key, String reason) {
        log.warn("{}", LogText.escape(at(node.getStartMark(), key, reason)));
    }

    private Problem at(Optional<Mark> mark, String key, String reason) {
        return new Problem(file, mark.map(m -> m.getLine() + 1).orElse(0), mark.map(m -> m.getColumn() + 1).orElse(0),
                key, reason);
    }

    /** A problem with the file as a whole (cannot be read, too large). */
    void addForFile(String reason) {
        found.add(new Problem(file, 0, 0, "", reason));
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    /** Everything found, in file order. */
    ConfigException exception() {
        List<Problem> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
        return new ConfigException(sorted);
    }
}
