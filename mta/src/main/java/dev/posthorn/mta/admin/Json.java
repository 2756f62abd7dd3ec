package dev.posthorn.mta.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** The API's JSON documents, written with Jackson's generator (which escapes every value). */
public final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /** What goes between an object's braces. */
    @FunctionalInterface
    public interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    /** One JSON object holding {@code fields}. */
    public static String object(Fields fields) {
        StringWriter text = new StringWriter(512);
        try (JsonGenerator json = FACTORY.createGenerator(text)) {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    /** {@code texts} as the array field {@code name}. */
    public static void strings(JsonGenerator json, String name, List<String> texts) throws IOException {
        json.writeArrayFieldStart(name);
        for (String text : texts) {
            json.writeString(text);
        }
        json.writeEndArray();
    }
}
