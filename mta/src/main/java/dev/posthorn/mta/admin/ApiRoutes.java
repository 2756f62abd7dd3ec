package dev.posthorn.mta.admin;

import java.io.IOException;
import java.util.Optional;

/**
 * A part of the admin API ({@code /api/v1/...}): answers the requests whose path it knows, and leaves the others
 * (empty) to the next part. The HTTP layer asks each part in turn and answers 404 when none knows the path.
 */
@FunctionalInterface
public interface ApiRoutes {

    Optional<ApiResponse> handle(ApiRequest request) throws IOException;
}
