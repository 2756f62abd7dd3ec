package dev.posthorn.mta.admin;

import java.util.List;
import java.util.Optional;

/**
 * {@code POST /api/v1/reload} (200 when the new configuration runs, 422 with its problems when it was refused and
 * the old one keeps running) and {@code GET /api/v1/config/check} (200 with {@code ok} and the problems).
 */
public final class ControlApi implements ApiRoutes {

    private final Control control;

    public ControlApi(Control control) {
        this.control = control;
    }

    @Override
    public Optional<ApiResponse> handle(ApiRequest request) {
        List<String> path = request.path();
        if (path.equals(List.of("reload"))) {
            if (!request.method().equals("POST")) {
                return Optional.of(ApiResponse.error(405, "use POST"));
            }
            ReloadResult result = control.reload();
            return Optional.of(new ApiResponse(result.applied() ? 200 : 422, Json.object(json -> {
                json.writeBooleanField("reloaded", result.applied());
                Json.strings(json, "problems", result.problems());
                Json.strings(json, "notes", result.notes());
            })));
        }
        if (path.equals(List.of("config", "check"))) {
            if (!request.method().equals("GET")) {
                return Optional.of(ApiResponse.error(405, "use GET"));
            }
            List<String> problems = control.check();
            return Optional.of(ApiResponse.ok(Json.object(json -> {
                json.writeBooleanField("ok", problems.isEmpty());
                Json.strings(json, "problems", problems);
            })));
        }
        return Optional.empty();
    }
}
