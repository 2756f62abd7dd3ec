package dev.posthorn.mta.admin;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The answer to an {@link ApiRequest}: a status and a JSON document.
 *
 * @param status the HTTP status
 * @param json   the body, a JSON document
 */
public record ApiResponse(int status, String json) {

    public ApiResponse {
        Objects.requireNonNull(json, "json");
    }

    public static ApiResponse ok(String json) {
        return new ApiResponse(200, json);
    }

    /** An error as {@code {"error": "..."}}. */
    public static ApiResponse error(int status, String message) {
        return new ApiResponse(status, Json.object(json -> json.writeStringField("error", message)));
    }

    public byte[] bytes() {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
