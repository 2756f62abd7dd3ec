package dev.posthorn.mta.capture.web;

import dev.posthorn.mta.admin.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What a route answers: a body in memory, a body written as it is read (a message, an attachment), or events. */
sealed interface WebAnswer {

    String JSON = "application/json";

    /** A whole body. */
    record Bytes(int status, String type, byte[] body, Map<String, String> headers) implements WebAnswer {
        public Bytes {
            headers = Map.copyOf(headers);
        }
    }

    /** A 200 whose body {@code writer} streams; a failure once writing has begun cuts the connection. */
    record Streamed(String type, Map<String, String> headers, BodyWriter writer) implements WebAnswer {
        public Streamed {
            headers = Map.copyOf(headers);
        }
    }

    /** The Server-Sent Events stream. */
    record Events() implements WebAnswer {
    }

    /** Writes a streamed body. */
    @FunctionalInterface
    interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    static WebAnswer json(int status, String json) {
        return new Bytes(status, JSON, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static WebAnswer ok(String json) {
        return json(200, json);
    }

    /** {@code {"error": message}}: the message never holds peer text that was not escaped by the generator. */
    static WebAnswer error(int status, String message) {
        return json(status, Json.object(json -> {
            json.writeNumberField("status", status);
            json.writeStringField("error", message);
        }));
    }
}
