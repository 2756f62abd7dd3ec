package dev.posthorn.mta.admin;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request to the admin API as the HTTP layer hands it over, already authenticated and with its body read (at
 * most {@link #MAX_BODY} octets): the routes never see the HTTP server's types.
 *
 * @param method the HTTP method, upper case
 * @param path   the path's segments after {@code /api/v1}, decoded (for {@code /api/v1/queue/ID/hold}: queue, ID,
 *               hold)
 * @param query  the query parameters, each name with its values in order
 * @param body   the request body, empty when there is none
 */
public record ApiRequest(String method, List<String> path, Map<String, List<String>> query, byte[] body) {

    /** The largest request body the API reads; a longer one gets 413 before any route sees it. */
    public static final int MAX_BODY = 1 << 20;

    public ApiRequest {
        Objects.requireNonNull(method, "method");
        path = List.copyOf(path);
        query = Map.copyOf(query);
        Objects.requireNonNull(body, "body");
    }

    /** The first value of query parameter {@code name}. */
    public Optional<String> parameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
