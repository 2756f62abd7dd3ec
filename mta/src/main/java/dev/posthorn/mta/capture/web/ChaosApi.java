package dev.posthorn.mta.capture.web;

import dev.posthorn.mta.admin.Json;
import dev.posthorn.smtp.server.Chaos;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/chaos}: the SMTP listener's faults as text rules ({@link Chaos#parse}) and the seed. PUT replaces
 * every rule (all parsed before any is set, so a bad one, or two for one stage, changes nothing; the swap is one
 * step under Chaos's own lock, so a session drawing meanwhile sees the old rules or the new, never none), DELETE
 * removes them.
 */
final class ChaosApi {

    private static final int MAX_RULES = Chaos.Stage.values().length;

    private final Chaos chaos;
    /**
     * Serializes this API's callers, so that a PUT without a seed keeps the seed it read and GET reports the seed and
     * rules of one state; the SMTP listener's draws do not take it (Chaos guards itself).
     */
    private final Object lock = new Object();

    ChaosApi(Chaos chaos) {
        this.chaos = chaos;
    }

    List<Route> routes() {
        return List.of(new Route("GET", "/api/v1/chaos", request -> state()),
                new Route("PUT", "/api/v1/chaos", this::replace),
                new Route("DELETE", "/api/v1/chaos", request -> {
                    synchronized (lock) {
                        chaos.reset(chaos.seed());
                    }
                    return state();
                }));
    }

    private WebAnswer state() {
        List<String> rules;
        long seed;
        synchronized (lock) {
            rules = chaos.rules().stream().map(Chaos::format).toList();
            seed = chaos.seed();
        }
        return WebAnswer.ok(Json.object(json -> {
            json.writeNumberField("seed", seed);
            Json.strings(json, "rules", rules);
        }));
    }

    private WebAnswer replace(WebRequest request) {
        try {
            Map<String, Object> body = JsonBody.parse(request.body());
            Long seed = JsonBody.integer(body, "seed");
            List<String> texts = JsonBody.strings(body, "rules");
            if (texts != null && texts.size() > MAX_RULES) {
                throw new IllegalArgumentException("rules: at most one per stage");
            }
            List<Chaos.Rule> rules = new ArrayList<>();
            for (String text : texts == null ? List.<String>of() : texts) {
                rules.add(Chaos.parse(text));
            }
            synchronized (lock) {
                chaos.replace(seed == null ? chaos.seed() : seed, rules);
            }
        } catch (IllegalArgumentException e) {
            return WebAnswer.error(400, e.getMessage());
        }
        return state();
    }
}
