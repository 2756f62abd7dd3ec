package dev.posthorn.mta.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads a configuration file into a YAML node tree, safely: bounded size, UTF-8 only, the YAML 1.2 core schema,
 * a handful of aliases, bounded nesting, and no construction of objects at all (the Compose API stops at nodes).
 */
final class YamlFile {

    /** Far more than any real configuration; a larger file is a mistake (or a log file named by accident). */
    static final int MAX_SIZE = 1 << 20;
    /** Aliases of lists or mappings: enough for sharing a list, too few for a "billion laughs" expansion. */
    static final int MAX_COLLECTION_ALIASES = 10;
    /** The schema nests four levels deep; anything far deeper is an accident or an attack on the recursive composer. */
    static final int MAX_DEPTH = 32;

    private YamlFile() {
    }

    /** The root node, or empty for an empty file or when a problem was recorded. */
    static Optional<Node> read(Path file, Problems problems) {
        Optional<String> text = text(file, problems);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(String.valueOf(file.getFileName()))
                .setSchema(new CoreSchema())
                .setMaxAliasesForCollections(MAX_COLLECTION_ALIASES)
                .setCodePointLimit(MAX_SIZE)
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                .setParseComments(false)
                .build();
        DepthLimit parser = new DepthLimit(new ParserImpl(settings, new StreamReader(settings, text.get())));
        try {
            return new Composer(settings, parser).getSingleNode();
        } catch (MarkedYamlEngineException e) {
            String context = e.getContext();
            String reason = e.getProblem() + (context == null || context.isBlank() ? "" : " (" + context + ")");
            problems.add(e.getProblemMark().or(e::getContextMark), "", reason.strip());
        } catch (YamlEngineException e) {
            if (parser.tooDeep.isPresent()) {
                problems.add(parser.tooDeep, "", e.getMessage());
            } else {
                problems.addForFile(e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> text(Path file, Problems problems) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_SIZE + 1);
        } catch (NoSuchFileException e) {
            problems.addForFile("no such file");
            return Optional.empty();
        } catch (IOException e) {
            problems.addForFile("cannot read: " + e.getMessage());
            return Optional.empty();
        }
        if (bytes.length > MAX_SIZE) {
            problems.addForFile("larger than " + MAX_SIZE + " octets");
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            problems.addForFile("not UTF-8 text");
            return Optional.empty();
        }
    }

    /** Passes parser events through, refusing collections nested deeper than {@link #MAX_DEPTH}. */
    private static final class DepthLimit implements Parser {

        private final Parser parser;
        private int depth;
        private Optional<Mark> tooDeep = Optional.empty();

        DepthLimit(Parser parser) {
            this.parser = parser;
        }

        @Override
        public boolean checkEvent(Event.ID id) {
            return parser.checkEvent(id);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public boolean hasNext() {
            return parser.hasNext();
        }

        @Override
        public Event next() {
            Event event = parser.next();
            switch (event.getEventId()) {
                case SequenceStart, MappingStart -> {
                    if (++depth > MAX_DEPTH) {
                        tooDeep = event.getStartMark();
                        throw new YamlEngineException("nested deeper than " + MAX_DEPTH + " levels");
                    }
                }
                case SequenceEnd, MappingEnd -> depth--;
                default -> {
                }
            }
            return event;
        }
    }
}
