package dev.posthorn.mta.capture.web;

import dev.posthorn.mta.admin.Json;
import dev.posthorn.mta.capture.CaptureStore;
import dev.posthorn.mta.capture.CapturedMessage;
import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.smtp.LogText;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.client.SendResult;
import dev.posthorn.smtp.client.SmtpReplyException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/messages/{id}/release}: sends a captured message on, as captured, to a given host or by MX,
 * and answers the server's final reply. The only route that makes the server connect anywhere, and only over SMTP to
 * the host the user names (or the recipients' MX hosts): no URL is ever fetched.
 */
final class ReleaseApi {

    private static final Logger log = LoggerFactory.getLogger(ReleaseApi.class);
    private static final int MAX_RECIPIENTS = 100;

    private final CaptureStore store;
    private final Releaser releaser;

    ReleaseApi(CaptureStore store, Releaser releaser) {
        this.store = store;
        this.releaser = releaser;
    }

    List<Route> routes() {
        return List.of(new Route("POST", "/api/v1/messages/{id}/release", this::release));
    }

    private WebAnswer release(WebRequest request) {
        String id = request.parameters().getFirst();
        Optional<CapturedMessage> message = id.matches("[A-Za-z0-9._-]{1,100}") ? store.get(id) : Optional.empty();
        Optional<Path> file = message.flatMap(m -> store.file(m.id()));
        if (file.isEmpty()) {
            return WebAnswer.error(404, "no such message");
        }
        HostPort host;
        List<String> to;
        try {
            Map<String, Object> body = JsonBody.parse(request.body());
            String hostText = JsonBody.string(body, "host");
            host = hostText == null || hostText.isBlank() ? null : HostPort.parse(hostText.strip());
            to = JsonBody.strings(body, "to");
            to = to == null || to.isEmpty() ? message.get().recipients() : to;
            if (to.size() > MAX_RECIPIENTS || to.stream().anyMatch(r -> !r.matches("[^\\s@]+@[^\\s@]+"))) {
                throw new IllegalArgumentException("to: up to " + MAX_RECIPIENTS + " addresses local@domain expected");
            }
        } catch (IllegalArgumentException e) {
            return WebAnswer.error(400, e.getMessage());
        }
        return send(message.get(), file.get(), to, host);
    }

    private WebAnswer send(CapturedMessage message, Path file, List<String> to, HostPort host) {
        String where = host == null ? "MX" : host.toString();
        try {
            SendResult result = releaser.release(file, message.envelopeFrom(), to, host);
            log.info("release of {} to {} via {}: {}", message.id(), LogText.escape(String.join(",", to)),
                    LogText.escape(where), LogText.escape(result.reply().toString()));
            return WebAnswer.ok(Json.object(json -> {
                json.writeStringField("reply", result.reply().toString());
                Json.strings(json, "accepted", result.accepted());
                json.writeArrayFieldStart("refused");
                for (Map.Entry<String, Reply> refused : result.refused().entrySet()) {
                    json.writeStartObject();
                    json.writeStringField("address", refused.getKey());
                    json.writeStringField("reply", refused.getValue().toString());
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeBooleanField("tls", result.tls());
            }));
        } catch (SmtpReplyException refused) {
            log.info("release of {} via {} refused: {}", message.id(), LogText.escape(where),
                    LogText.escape(refused.reply().toString()));
            return WebAnswer.json(502, Json.object(json -> {
                json.writeNumberField("status", 502);
                json.writeStringField("error", "the server refused the message");
                json.writeStringField("reply", refused.reply().toString());
            }));
        } catch (IOException | IllegalArgumentException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            log.info("release of {} via {} failed: {}", message.id(), LogText.escape(where), LogText.escape(why));
            return WebAnswer.error(502, "release failed: " + why);
        }
    }
}
