package dev.posthorn.mta.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.posthorn.mta.schedule.QueueControl;
import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.SpoolEnvelope;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The queue in the admin API ({@code /api/v1/queue...}), a thin layer over {@link QueueControl}:
 * <ul>
 *   <li>{@code GET queue} lists (query: {@code state} active|deferred|held, {@code sender}, {@code recipient},
 *       {@code domain}, {@code min_age} such as {@code 30m} or {@code 1h}, {@code limit}, default 1000);</li>
 *   <li>{@code GET queue/ID} shows one message; {@code GET queue/ID/explain} adds every attempt of its history;</li>
 *   <li>{@code POST queue/ID/hold|release|bounce|flush}, {@code DELETE queue/ID};</li>
 *   <li>{@code POST queue/flush} flushes every deferred message, {@code ?domain=D} those for one domain.</li>
 * </ul>
 * An unknown ID is 404 {@code {"error":"no message ID in the queue"}}. A command on a message whose attempt is
 * running waits for the attempt to end (up to 30 s), then answers 409: the operator's command never races a
 * delivery. Every request is already authenticated by the HTTP layer.
 */
public final class QueueApi implements ApiRoutes {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

    private final QueueControl control;

    public QueueApi(QueueControl control) {
        this.control = control;
    }

    @Override
    public Optional<ApiResponse> handle(ApiRequest request) throws IOException {
        List<String> path = request.path();
        if (path.isEmpty() || !path.getFirst().equals("queue") || path.size() > 3) {
            return Optional.empty();
        }
        String method = request.method();
        if (path.size() == 1) {
            return Optional.of(method.equals("GET") ? list(request) : notAllowed());
        }
        String id = path.get(1);
        if (path.size() == 2 && id.equals("flush")) {
            return Optional.of(method.equals("POST") ? flushAll(request) : notAllowed());
        }
        if (path.size() == 2) {
            return Optional.of(switch (method) {
                case "GET" -> show(id, false);
                case "DELETE" -> command(id, "delete", control.delete(id));
                default -> notAllowed();
            });
        }
        String verb = path.get(2);
        if (verb.equals("explain")) {
            return Optional.of(method.equals("GET") ? show(id, true) : notAllowed());
        }
        if (!List.of("hold", "release", "bounce", "flush").contains(verb)) {
            return Optional.empty();
        }
        if (!method.equals("POST")) {
            return Optional.of(notAllowed());
        }
        return Optional.of(command(id, verb, switch (verb) {
            case "hold" -> control.hold(id);
            case "release" -> control.release(id);
            case "bounce" -> control.bounce(id);
            default -> control.flush(id);
        }));
    }

    private static ApiResponse notAllowed() {
        return ApiResponse.error(405, "method not allowed here");
    }

    private static ApiResponse notFound(String id) {
        return ApiResponse.error(404, "no message " + printable(id) + " in the queue");
    }

    /** An id as it may appear in an answer: what is not a queue id is cut and stripped of anything but letters. */
    private static String printable(String id) {
        String kept = id.replaceAll("[^0-9A-Za-z]", "?");
        return kept.length() > 64 ? kept.substring(0, 64) + "..." : kept;
    }

    private ApiResponse command(String id, String verb, QueueControl.Result result) throws IOException {
        return switch (result) {
            case NOT_FOUND -> notFound(id);
            case BUSY -> ApiResponse.error(409, "message " + id + " is being delivered; try again");
            case HELD -> ApiResponse.error(409, "message " + id + " is held; release it first");
            case DONE -> ApiResponse.ok(Json.object(json -> {
                json.writeStringField("id", id);
                json.writeStringField("done", verb);
            }));
        };
    }

    private ApiResponse flushAll(ApiRequest request) throws IOException {
        Optional<String> domain = request.parameter("domain").filter(d -> !d.isBlank());
        int count = control.flush(domain);
        return ApiResponse.ok(Json.object(json -> {
            json.writeStringField("done", "flush");
            if (domain.isPresent()) {
                json.writeStringField("domain", domain.get());
            }
            json.writeNumberField("messages", count);
        }));
    }

    private ApiResponse list(ApiRequest request) throws IOException {
        QueueControl.Filter filter;
        try {
            filter = filter(request);
        } catch (IllegalArgumentException e) {
            return ApiResponse.error(400, e.getMessage());
        }
        List<QueueControl.Entry> entries = control.list(filter);
        return ApiResponse.ok(Json.object(json -> {
            json.writeNumberField("count", entries.size());
            json.writeBooleanField("limited", entries.size() >= filter.limit());
            json.writeBooleanField("filtered", filter.state().isPresent() || filter.sender().isPresent()
                    || filter.recipient().isPresent() || filter.domain().isPresent() || filter.minAge().isPresent());
            json.writeArrayFieldStart("messages");
            for (QueueControl.Entry entry : entries) {
                json.writeStartObject();
                summary(json, entry);
                json.writeEndObject();
            }
            json.writeEndArray();
        }));
    }

    private static QueueControl.Filter filter(ApiRequest request) {
        Optional<QueueControl.State> state = request.parameter("state").map(s -> {
            try {
                return QueueControl.State.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("state: expected active, deferred or held");
            }
        });
        Optional<Duration> minAge = request.parameter("min_age").map(QueueApi::age);
        int limit = request.parameter("limit").map(l -> {
            if (!l.matches("\\d{1,5}")) {
                throw new IllegalArgumentException("limit: expected a number from 1 to "
                        + QueueControl.Filter.MAX_LIMIT);
            }
            return Integer.parseInt(l);
        }).orElse(QueueControl.Filter.all().limit());
        if (limit < 1 || limit > QueueControl.Filter.MAX_LIMIT) {
            throw new IllegalArgumentException("limit: expected a number from 1 to " + QueueControl.Filter.MAX_LIMIT);
        }
        return new QueueControl.Filter(state, request.parameter("sender"), request.parameter("recipient"),
                request.parameter("domain"), minAge, limit);
    }

    /** {@code 90s}, {@code 30m}, {@code 1h}, {@code 2d}. */
    static Duration age(String text) {
        Matcher m = AGE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("min_age: expected a number and s, m, h or d, such as 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private ApiResponse show(String id, boolean explain) throws IOException {
        Optional<QueueControl.Entry> found = control.show(id);
        if (found.isEmpty()) {
            return notFound(id);
        }
        QueueControl.Entry entry = found.get();
        return ApiResponse.ok(Json.object(json -> {
            summary(json, entry);
            DeliveryState state = entry.message().state();
            json.writeNumberField("attempts", state.attempts());
            if (!state.held() && !state.isFinished()) {
                json.writeStringField("next_retry", state.nextAttempt().toString());
            }
            json.writeBooleanField("held", state.held());
            if (explain) {
                json.writeArrayFieldStart("history");
                for (String line : entry.history()) {
                    if (isJsonObject(line)) {
                        json.writeRawValue(line);
                    }
                }
                json.writeEndArray();
            }
        }));
    }

    /** The fields a list and a show share: id, size, arrival, sender, state, recipients with their state. */
    private static void summary(JsonGenerator json, QueueControl.Entry entry) throws IOException {
        QueuedMessage message = entry.message();
        SpoolEnvelope envelope = message.envelope();
        json.writeStringField("id", message.id());
        json.writeNumberField("size", message.messageLength());
        json.writeStringField("arrival", envelope.receivedAt().toString());
        json.writeStringField("sender", envelope.sender().isNull() ? "" : envelope.sender().mailbox().toString());
        json.writeStringField("state", entry.state().name().toLowerCase(Locale.ROOT));
        if (entry.node().isPresent()) {
            json.writeStringField("node", entry.node().get()); // a shared queue: the node that holds it now
        }
        json.writeArrayFieldStart("recipients");
        for (int i = 0; i < envelope.recipients().size(); i++) {
            DeliveryState.RecipientState r = message.state().recipients().get(i);
            json.writeStartObject();
            json.writeStringField("address", envelope.recipients().get(i).address().toString());
            json.writeStringField("status", r.status().name().toLowerCase(Locale.ROOT));
            json.writeStringField("diagnostic", r.diagnostic());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /** Whether a history line is one whole JSON object: a damaged line is left out, never passed on raw. */
    private static boolean isJsonObject(String line) {
        try (JsonParser parser = JSON.createParser(line)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (JsonProcessingException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
