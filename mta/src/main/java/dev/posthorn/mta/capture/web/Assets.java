package dev.posthorn.mta.capture.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/** The page's files, read from the jar once at start (a few kilobytes): nothing is fetched from elsewhere. */
final class Assets {

    private final Map<String, WebAnswer> files;
    private final byte[] openApi;

    private Assets(Map<String, WebAnswer> files, byte[] openApi) {
        this.files = files;
        this.openApi = openApi;
    }

    static Assets load() {
        WebAnswer index = file("index.html", "text/html; charset=utf-8");
        return new Assets(Map.of("/", index, "/index.html", index,
                "/app.js", file("app.js", "text/javascript; charset=utf-8"),
                "/app.css", file("app.css", "text/css; charset=utf-8")), bytes("openapi.json"));
    }

    /** The page's file at {@code path}, if it is one. */
    Optional<WebAnswer> get(String path) {
        return Optional.ofNullable(files.get(path));
    }

    /** {@code GET /api/v1/openapi.json}. */
    WebAnswer openApi() {
        return new WebAnswer.Bytes(200, WebAnswer.JSON, openApi, Map.of());
    }

    private static WebAnswer file(String name, String type) {
        return new WebAnswer.Bytes(200, type, bytes(name), Map.of());
    }

    private static byte[] bytes(String name) {
        try (InputStream in = Assets.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: dev/posthorn/mta/capture/web/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
