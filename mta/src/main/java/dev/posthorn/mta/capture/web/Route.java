package dev.posthorn.mta.capture.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One route of the API: a method and a path template as the OpenAPI document writes it ({@code
 * /api/v1/messages/{id}}), whose {@code {...}} segments match any one segment; the query parameters it takes (any
 * other is refused, so a misspelt filter never widens a delete); and whether it is guarded: it changes state or
 * streams events, so a browser may reach it only from the page itself ({@code Sec-Fetch-Site} same-origin or none).
 */
record Route(String method, String template, Set<String> query, boolean guarded, Action action) {

    /** What a route does. */
    @FunctionalInterface
    interface Action {
        WebAnswer answer(WebRequest request) throws IOException;
    }

    Route {
        query = Set.copyOf(query);
    }

    /** A route taking no query parameters, guarded unless it is a GET. */
    Route(String method, String template, Action action) {
        this(method, template, Set.of(), action);
    }

    /** A route taking {@code query}, guarded unless it is a GET. */
    Route(String method, String template, Set<String> query, Action action) {
        this(method, template, query, !method.equals("GET"), action);
    }

    /** The values of the template's parameters when {@code segments} (the path's, decoded) match it. */
    Optional<List<String>> match(List<String> segments) {
        String[] parts = template.substring(1).split("/");
        if (parts.length != segments.size()) {
            return Optional.empty();
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].startsWith("{")) {
                values.add(segments.get(i));
            } else if (!parts[i].equals(segments.get(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(values);
    }
}
