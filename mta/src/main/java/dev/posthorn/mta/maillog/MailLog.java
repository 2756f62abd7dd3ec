package dev.posthorn.mta.maillog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.posthorn.mta.config.Logging;
import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import org.slf4j.event.Level;

/**
 * The mail log: one line per event in a message's life (queued, delivered, deferred, failed, removed), each with the
 * queue id, and one per failed AUTH, kept apart from debug logging under the logger name {@code posthorn.mail} so
 * operators can route it. Text lines read like Postfix's ({@code ID: queued from=<a@b> size=123 ...}); with
 * {@code log: { format: json }} each event is one JSON object on its own line: {@code time}, {@code level},
 * {@code event}, {@code id}, then the event's fields, written by Jackson so that every value is escaped.
 *
 * <p>Trust boundary: addresses, HELO-derived text, user names, Message-IDs and remote replies come from peers. Every
 * value goes through {@link LogText#escape} (control characters, CR and LF among them, the Unicode line separators and
 * the bidirectional controls) in both formats, so that no peer can end a line, forge the next one or reorder one.
 */
public final class MailLog {

    private static final Logger log = LoggerFactory.getLogger("posthorn.mail");
    /** Marks a line that is a whole JSON object: logback.xml writes these without a prefix of its own. */
    public static final Marker JSON = MarkerFactory.getMarker("JSON");
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    /**
     * Chosen once at daemon start from the configuration ({@link #format(Logging.Format)}). Static, because the events
     * are logged from the spool sink, the queue runner, each delivery attempt and the SMTP server's events, none of
     * which has the configuration at hand; the format belongs to the process's log output (one daemon per process),
     * like the logback configuration itself. Volatile: set on the starting thread, read on every session's.
     */
    private static volatile Logging.Format format = Logging.Format.TEXT;

    private MailLog() {
    }

    /** Sets the line format for every event from now on. */
    public static void format(Logging.Format chosen) {
        format = java.util.Objects.requireNonNull(chosen, "format");
    }

    /** How a field reads in a text line. */
    private enum Text {
        /** {@code name=<value>}, as addresses are written in SMTP. */
        ANGLE,
        /** {@code name=value}. */
        PLAIN,
        /** {@code name="value"}. */
        QUOTED,
        /** The value alone: free text at the end of a line (check results, a delivery's diagnostic). */
        BARE
    }

    /** One field of an event; a null value is left out of a text line and written as null in JSON. */
    private record Field(String name, Object value, Text text) {
    }

    public static void queued(String id, String sender, long size, int recipients, String client) {
        queued(id, sender, size, recipients, client, null, null);
    }

    /**
     * A message committed to the spool.
     *
     * @param user      the authenticated user, or null
     * @param messageId the Message-ID field's value as sent, or null when there is none
     */
    public static void queued(String id, String sender, long size, int recipients, String client, String user,
                              String messageId) {
        write(Level.INFO, "queued", id, new Field("from", sender, Text.ANGLE), new Field("size", size, Text.PLAIN),
                new Field("nrcpt", recipients, Text.PLAIN), new Field("client", client, Text.PLAIN),
                new Field("user", user, Text.PLAIN), new Field("message_id", messageId, Text.PLAIN));
    }

    /** A message refused at the end of DATA by the inbound checks; nothing was queued. */
    public static void refused(String id, String sender, String client, String reply, String results) {
        write(Level.INFO, "refused", id, new Field("from", sender, Text.ANGLE), new Field("client", client, Text.PLAIN),
                new Field("reply", reply, Text.QUOTED), new Field("checks", results, Text.BARE));
    }

    /** The inbound checks' results for a message about to be queued. */
    public static void checked(String id, String results) {
        write(Level.INFO, "checked", id, new Field("checks", results, Text.BARE));
    }

    public static void delivered(String id, String recipient, String how) {
        write(Level.INFO, "delivered", id, new Field("to", recipient, Text.ANGLE), new Field("via", how, Text.BARE));
    }

    public static void deferred(String id, String recipient, String why) {
        write(Level.INFO, "deferred", id, new Field("to", recipient, Text.ANGLE), new Field("reason", why, Text.BARE));
    }

    public static void failed(String id, String recipient, String why) {
        write(Level.WARN, "failed", id, new Field("to", recipient, Text.ANGLE), new Field("reason", why, Text.BARE));
    }

    public static void removed(String id) {
        write(Level.INFO, "removed", id);
    }

    /**
     * A failed AUTH, on its own line (no queue id: no message yet): the user name the client gave and its address,
     * never the password. For fail2ban-like tools as much as for the operator.
     */
    public static void authFailed(String user, String client) {
        write(Level.WARN, "auth_failed", null, new Field("user", user, Text.ANGLE),
                new Field("client", client, Text.PLAIN));
    }

    private static void write(Level level, String event, String id, Field... fields) {
        if (!log.isEnabledForLevel(level)) {
            return;
        }
        if (format == Logging.Format.JSON) {
            log.atLevel(level).addMarker(JSON).log(json(level, event, id, fields));
        } else {
            log.atLevel(level).log(text(event, id, fields));
        }
    }

    /** {@code ID: EVENT name=value ...}; without an id, {@code EVENT name=value ...}. */
    static String text(String event, String id, Field... fields) {
        StringBuilder line = new StringBuilder();
        if (id != null) {
            line.append(clean(id)).append(": ");
        }
        line.append(event);
        for (Field field : fields) {
            if (field.value() == null) {
                continue;
            }
            String value = clean(String.valueOf(field.value()));
            line.append(' ');
            switch (field.text()) {
                // A peer's value cannot end its field early: no space (a new key=value) in either, no angle bracket
                // (the end of the field) in a bracketed one. A log reader that takes client=... takes ours.
                case ANGLE -> line.append(field.name()).append("=<").append(value.replace(" ", "\\x20")
                        .replace("<", "\\x3c").replace(">", "\\x3e")).append('>');
                case PLAIN -> line.append(field.name()).append('=').append(value.replace(" ", "\\x20"));
                case QUOTED -> line.append(field.name()).append("=\"").append(value.replace("\"", "\\x22"))
                        .append('"');
                case BARE -> line.append(value);
            }
        }
        return line.toString();
    }

    /** One JSON object, on one line: Jackson escapes what JSON needs, {@link #clean} what a log reader needs. */
    static String json(Level level, String event, String id, Field... fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON_FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("time", Instant.now().toString());
            json.writeStringField("level", level.name());
            json.writeStringField("event", event);
            if (id != null) {
                json.writeStringField("id", clean(id));
            }
            for (Field field : fields) {
                switch (field.value()) {
                    case null -> json.writeNullField(field.name());
                    case Long number -> json.writeNumberField(field.name(), number);
                    case Integer number -> json.writeNumberField(field.name(), number);
                    default -> json.writeStringField(field.name(), clean(String.valueOf(field.value())));
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        return out.toString();
    }

    /** A peer's value as a log line may carry it: {@link LogText#escape}, the one escaper for log lines. */
    public static String clean(String value) {
        return LogText.escape(value);
    }
}
