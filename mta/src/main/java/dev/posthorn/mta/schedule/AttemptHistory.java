package dev.posthorn.mta.schedule;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.posthorn.mta.delivery.DeliveryTrace;
import dev.posthorn.mta.delivery.Outcome;
import dev.posthorn.mta.dns.Target;
import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One attempt of one message as a line of the message's history ({@code queue/<id>.history}), a JSON object:
 * <pre>{@code
 * {"time": "...", "attempt": 2, "next_retry": "...", "recipients": [
 *   {"recipient": "x@far.test", "status": "pending", "tries": [
 *     {"transport": "smtp", "route": "mx", "mx": [{"preference": 10, "host": "mx.far.test",
 *      "addresses": ["192.0.2.25"]}], "host": "mx.far.test[192.0.2.25]", "tls": "none",
 *      "tls_policy": "level may (outbound.tls)", "transcript": ["S: 220 ...", "C: EHLO ...", ...],
 *      "outcome": "deferred", "diagnostic": "451 4.7.1 greylisted"}]}]}
 * }</pre>
 * Written only for a message that stays queued (one that leaves takes its history with it), so a delivery that
 * succeeds at once formats nothing. The transcript is the last {@link DeliveryTrace#LINES} lines with the host tried
 * last: never credentials (the client redacts AUTH), never message data.
 */
final class AttemptHistory {

    private static final JsonFactory JSON = new JsonFactory();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AttemptHistory.class);

    private AttemptHistory() {
    }

    /**
     * A line longer than this (the spool keeps lines of 64 KiB: an attempt for hundreds of recipients, each with the
     * dialogue of its host) is written again without the hosts' details, so it stays whole and readable.
     */
    static final int LONGEST = 60 * 1024;

    /** Appends the attempt's line to the message's history; a failure is logged, never fails the attempt. */
    static void append(dev.posthorn.mta.spool.Spool spool, QueuedMessage message, Attempt attempt,
                       DeliveryState after, Instant time) {
        try {
            String line = line(message, attempt, after, time, true);
            if (line.length() > LONGEST / 4 && line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    > LONGEST) {
                line = line(message, attempt, after, time, false);
            }
            spool.appendHistory(message.id(), line);
        } catch (IOException | RuntimeException e) {
            log.warn("{}: could not record the attempt in its history: {}", message.id(), LogText.escape(e));
        }
    }

    /**
     * The history line of {@code attempt} of {@code message}, which left it in {@code after}; with {@code details}
     * false, without the MX list, TLS and dialogue of each host tried.
     */
    static String line(QueuedMessage message, Attempt attempt, DeliveryState after, Instant time, boolean details) {
        StringWriter text = new StringWriter(1024);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("time", time.toString());
            json.writeNumberField("attempt", after.attempts());
            json.writeStringField("next_retry", after.nextAttempt().toString());
            json.writeArrayFieldStart("recipients");
            for (Map.Entry<Integer, List<Attempt.Tried>> entry : attempt.tried().entrySet()) {
                int index = entry.getKey();
                json.writeStartObject();
                json.writeStringField("recipient", message.envelope().recipients().get(index).address().toString());
                json.writeStringField("status",
                        after.recipients().get(index).status().name().toLowerCase(Locale.ROOT));
                json.writeArrayFieldStart("tries");
                for (Attempt.Tried tried : entry.getValue()) {
                    write(json, tried, details);
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    private static void write(JsonGenerator json, Attempt.Tried tried, boolean details) throws IOException {
        json.writeStartObject();
        json.writeStringField("transport", tried.transport());
        json.writeStringField("route", tried.route());
        DeliveryTrace trace = details ? tried.trace() : null;
        if (trace != null) {
            json.writeArrayFieldStart("mx");
            for (Target target : trace.targets()) {
                json.writeStartObject();
                json.writeNumberField("preference", target.preference());
                json.writeStringField("host", target.host());
                json.writeArrayFieldStart("addresses");
                for (InetAddress address : target.addresses()) {
                    json.writeString(AddressLiteral.format(address));
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeStringField("host", trace.host());
            json.writeStringField("tls", trace.tls());
            json.writeStringField("tls_policy", trace.policy());
            json.writeArrayFieldStart("transcript");
            for (String line : trace.transcript()) {
                json.writeString(line);
            }
            json.writeEndArray();
        }
        json.writeStringField("outcome", switch (tried.outcome()) {
            case Outcome.Delivered delivered -> "delivered";
            case Outcome.Deferred deferred -> "deferred";
            case Outcome.Failed failed -> "failed";
        });
        json.writeStringField("diagnostic", tried.outcome().diagnostic());
        json.writeEndObject();
    }
}
