package dev.posthorn.mta.capture.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request body that is one flat JSON object whose values are strings, integers, null, or arrays of strings: all the
 * API takes. Anything else (nesting, a value too long, too many items) is an {@link IllegalArgumentException}.
 */
final class JsonBody {

    private static final int MAX_ITEMS = 1000;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).maxStringLength(8192).build())
            .build();

    private JsonBody() {
    }

    /** The object's fields (a value is a String, a Long, a List of String, or null); an empty body is {@code {}}. */
    static Map<String, Object> parse(byte[] body) {
        Map<String, Object> fields = new HashMap<>();
        if (new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return fields;
        }
        try (JsonParser json = FACTORY.createParser(body)) {
            expect(json.nextToken() == JsonToken.START_OBJECT);
            for (JsonToken token = json.nextToken(); token != JsonToken.END_OBJECT; token = json.nextToken()) {
                expect(token == JsonToken.FIELD_NAME && fields.size() < MAX_ITEMS);
                String name = json.currentName();
                fields.put(name, value(json, json.nextToken()));
            }
            expect(json.nextToken() == null);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON body", e);
        }
        return fields;
    }

    private static Object value(JsonParser json, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> json.getText();
            case VALUE_NUMBER_INT -> json.getLongValue();
            case VALUE_NULL -> null;
            case START_ARRAY -> {
                List<String> items = new ArrayList<>();
                for (JsonToken item = json.nextToken(); item != JsonToken.END_ARRAY; item = json.nextToken()) {
                    expect(item == JsonToken.VALUE_STRING && items.size() < MAX_ITEMS);
                    items.add(json.getText());
                }
                yield items;
            }
            default -> throw new IllegalArgumentException("malformed JSON body");
        };
    }

    private static void expect(boolean condition) {
        if (!condition) {
            throw new IllegalArgumentException("malformed JSON body");
        }
    }

    /** Field {@code name} as a string, or null when missing or null. */
    static String string(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException(name + ": a string expected");
        }
        return (String) value;
    }

    /** Field {@code name} as a list of strings, or null when missing or null. */
    static List<String> strings(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(name + ": an array of strings expected");
        }
        return list.stream().map(String.class::cast).toList();
    }

    /** Field {@code name} as an integer, or null when missing or null. */
    static Long integer(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value != null && !(value instanceof Long)) {
            throw new IllegalArgumentException(name + ": an integer expected");
        }
        return (Long) value;
    }
}
