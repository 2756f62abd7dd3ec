package dev.posthorn.mta.capture.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The OpenAPI document served against the routes: every operation, and the query parameters each takes. */
class OpenApiDocumentTest {

    @RegisterExtension
    final WebRig rig = new WebRig();

    @Test
    void theOpenApiDocumentDescribesEveryRouteAndNoOther() throws Exception {
        HttpResponse<String> document = rig.get("/api/v1/openapi.json");
        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.body()).contains("\"openapi\": \"3.1.0\"");
        Set<String> served = rig.web.routes().stream().map(r -> r.method() + " " + r.template())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented(document.body())).isEqualTo(served);
        assertThat(served).contains("GET /api/v1/events", "POST /api/v1/messages/{id}/release",
                "GET /api/v1/messages/{id}/attachments/{n}", "PUT /api/v1/chaos");
    }

    @Test
    void theOpenApiDocumentListsTheQueryParametersEachRouteTakes() throws Exception {
        Map<String, Set<String>> documented = queryParameters(rig.get("/api/v1/openapi.json").body());
        for (Route route : rig.web.routes()) {
            String operation = route.method() + " " + route.template();
            assertThat(documented.getOrDefault(operation, Set.of())).as(operation).isEqualTo(route.query());
        }
        assertThat(documented.get("GET /api/v1/messages/{id}/raw")).containsExactly("limit");
    }

    /** "METHOD /path" to the names of its query parameters (the path's and the operation's). */
    @SuppressWarnings("unchecked")
    private static Map<String, Set<String>> queryParameters(String json) throws IOException {
        Map<String, Object> paths;
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            parser.nextToken();
            paths = (Map<String, Object>) ((Map<String, Object>) tree(parser)).get("paths");
        }
        Map<String, Set<String>> operations = new TreeMap<>();
        paths.forEach((path, value) -> {
            Map<String, Object> item = (Map<String, Object>) value;
            Set<String> shared = names(item.get("parameters"));
            item.forEach((method, operation) -> {
                if (!method.equals("parameters")) {
                    Set<String> query = new TreeSet<>(shared);
                    query.addAll(names(((Map<String, Object>) operation).get("parameters")));
                    operations.put(method.toUpperCase(java.util.Locale.ROOT) + " " + path, query);
                }
            });
        });
        return operations;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> names(Object parameters) {
        Set<String> names = new TreeSet<>();
        for (Object parameter : parameters == null ? List.of() : (List<Object>) parameters) {
            Map<String, Object> fields = (Map<String, Object>) parameter;
            if ("query".equals(fields.get("in"))) {
                names.add((String) fields.get("name"));
            }
        }
        return names;
    }

    /** The value at the parser's current token as maps, lists and scalars. */
    private static Object tree(JsonParser parser) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.put(name, tree(parser));
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(tree(parser));
                }
                return array;
            }
            default -> {
                return parser.getText();
            }
        }
    }

    /** "METHOD /path" for each operation under the document's paths. */
    private static Set<String> documented(String json) throws IOException {
        Set<String> operations = new TreeSet<>();
        Set<String> methods = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (!field.equals("paths")) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String path = parser.currentName();
                    parser.nextToken();
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        parser.nextToken();
                        if (methods.contains(name)) {
                            operations.add(name.toUpperCase(java.util.Locale.ROOT) + " " + path);
                        }
                        parser.skipChildren();
                    }
                }
            }
        }
        return operations;
    }
}
