package dev.posthorn.mta.capture.web;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One API request as the HTTP layer hands it to a route, after the Host and Origin checks and with its body read (at
 * most {@link #MAX_BODY} octets).
 *
 * @param method     the HTTP method, upper case
 * @param parameters the values of the route's {@code {...}} segments, in order, decoded
 * @param query      the query parameters, each name with its values in order
 * @param body       the request body, empty when there is none
 */
record WebRequest(String method, List<String> parameters, Map<String, List<String>> query, byte[] body) {

    /** The largest JSON body read (a release or chaos settings need far less); a longer one gets 413. */
    static final int MAX_BODY = 64 * 1024;

    WebRequest {
        Objects.requireNonNull(method, "method");
        parameters = List.copyOf(parameters);
        query = Map.copyOf(query);
        Objects.requireNonNull(body, "body");
    }

    /** The first value of query parameter {@code name}, if given and not empty. */
    Optional<String> parameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() || values.getFirst().isEmpty() ? Optional.empty()
                : Optional.of(values.getFirst());
    }
}
