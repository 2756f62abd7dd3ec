package dev.posthorn.mta.maillog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.posthorn.mta.config.Logging;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mail log as the operator reads it: the output of the logback configuration Posthorn ships (its console
 * appenders write to System.err, which the test captures), in both formats, with hostile values from peers.
 */
class MailLogTest {

    private static final String HOSTILE = "evil@example.com\r\n01ABC: delivered to=<victim@example.org>\u2028x";

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream saved = System.err;

    /** The mail log lines written while {@code events} run (other loggers' lines are left out). */
    private List<String> lines(Logging.Format format, Runnable events) {
        MailLog.format(format);
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            events.run();
        } finally {
            System.setErr(saved);
        }
        return captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains(" mail: ") || line.startsWith("{")).toList();
    }

    @AfterEach
    void textAgain() {
        MailLog.format(Logging.Format.TEXT);
    }

    private static Map<String, Object> parse(String line) throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser json = new JsonFactory().createParser(line)) {
            assertThat(json.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                JsonToken value = json.nextToken();
                fields.put(name, switch (value) {
                    case VALUE_NUMBER_INT -> json.getLongValue();
                    case VALUE_NULL -> "null";
                    default -> json.getText();
                });
            }
            assertThat(json.currentToken()).isEqualTo(JsonToken.END_OBJECT);
            assertThat(json.nextToken()).as("nothing after the object").isNull();
        }
        return fields;
    }

    @Test
    void textLinesCarryTheQueueIdUserAndMessageId() {
        List<String> lines = lines(Logging.Format.TEXT, () -> {
            MailLog.queued("01ABC", "a@example.org", 1234, 2, "192.0.2.1", "alice", "<id1@example.org>");
            MailLog.delivered("01ABC", "b@example.net", "maildir 1.M2P3.host");
            MailLog.removed("01ABC");
        });

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("\\S+ INFO  \\[.*] mail: 01ABC: queued from=<a@example.org> size=1234 nrcpt=2"
                + " client=192.0.2.1 user=alice message_id=<id1@example.org>");
        assertThat(lines.get(1)).endsWith(" mail: 01ABC: delivered to=<b@example.net> maildir 1.M2P3.host");
        assertThat(lines.get(2)).endsWith(" mail: 01ABC: removed");
    }

    @Test
    void aFailedAuthIsItsOwnLineWithUserAndClient() {
        List<String> lines = lines(Logging.Format.TEXT, () -> MailLog.authFailed("mallory", "198.51.100.7"));

        assertThat(lines).singleElement().asString().matches("\\S+ WARN  \\[.*] mail: auth_failed user=<mallory>"
                + " client=198.51.100.7");
    }

    @Test
    void aPeersValueCannotAddAFieldOrEndItsOwn() {
        List<String> lines = lines(Logging.Format.TEXT, () -> {
            MailLog.authFailed("x> client=198.51.100.7", "203.0.113.5");
            MailLog.queued("01ABC", "a@b", 10, 1, "192.0.2.1", "alice", "<a> user=admin");
        });

        assertThat(lines.get(0)).endsWith("auth_failed user=<x\\x3e\\x20client=198.51.100.7> client=203.0.113.5");
        assertThat(lines.get(1)).endsWith("user=alice message_id=<a>\\x20user=admin");
    }

    @Test
    void hostileValuesCannotBreakATextLine() {
        List<String> lines = lines(Logging.Format.TEXT, () -> {
            MailLog.queued("01ABC", HOSTILE, 10, 1, "192.0.2.1", "eve\nx", "<a@b>\r\n\tX-Forged: yes");
            MailLog.authFailed(HOSTILE, "192.0.2.1");
        });

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).endsWith("queued from=<evil@example.com\\x0d\\x0a01ABC:\\x20delivered"
                + "\\x20to=\\x3cvictim@example.org\\x3e\\u2028x> size=10 nrcpt=1 client=192.0.2.1 user=eve\\x0ax"
                + " message_id=<a@b>\\x0d\\x0a\\x09X-Forged:\\x20yes");
        assertThat(lines.get(1)).contains("auth_failed user=<evil@example.com\\x0d\\x0a01ABC");
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("\u2028").doesNotContain("\r");
    }

    /** Bidi controls reorder what a terminal shows (CVE-2021-42574): a user name could make a line read otherwise. */
    @Test
    void bidiControlsAndNextLineAreEscapedInBothFormats() throws Exception {
        String user = "admin\u202e\u2066 client=10.0.0.1\u2069\u0085";
        List<String> text = lines(Logging.Format.TEXT, () -> MailLog.authFailed(user, "192.0.2.1"));
        assertThat(text).singleElement().asString()
                .endsWith("auth_failed user=<admin\\u202e\\u2066\\x20client=10.0.0.1\\u2069\\x85> client=192.0.2.1");
        captured.reset();
        List<String> json = lines(Logging.Format.JSON, () -> MailLog.authFailed(user, "192.0.2.1"));
        assertThat(parse(json.getFirst())).containsEntry("user", "admin\\u202e\\u2066 client=10.0.0.1\\u2069\\x85");
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("\u202e", "\u2066", "\u0085");
    }

    @Test
    void jsonLinesAreOneObjectEachWithEveryField() throws Exception {
        List<String> lines = lines(Logging.Format.JSON, () -> {
            MailLog.queued("01ABC", "a@example.org", 1234, 2, "192.0.2.1", "alice", "<id1@example.org>");
            MailLog.queued("01ABD", "", 5, 1, "192.0.2.2");
            MailLog.failed("01ABC", "b@example.net", "5.1.1 \"no\" such user");
            MailLog.authFailed("mallory", "198.51.100.7");
        });

        assertThat(lines).hasSize(4);
        Map<String, Object> queued = parse(lines.get(0));
        assertThat(queued).containsExactly(Map.entry("time", queued.get("time")), Map.entry("level", "INFO"),
                Map.entry("event", "queued"), Map.entry("id", "01ABC"), Map.entry("from", "a@example.org"),
                Map.entry("size", 1234L), Map.entry("nrcpt", 2L), Map.entry("client", "192.0.2.1"),
                Map.entry("user", "alice"), Map.entry("message_id", "<id1@example.org>"));
        assertThat(Instant.parse((String) queued.get("time"))).isNotNull();
        assertThat(parse(lines.get(1))).containsEntry("from", "").containsEntry("user", "null")
                .containsEntry("message_id", "null");
        assertThat(parse(lines.get(2))).containsEntry("level", "WARN").containsEntry("event", "failed")
                .containsEntry("to", "b@example.net").containsEntry("reason", "5.1.1 \"no\" such user");
        assertThat(parse(lines.get(3))).containsEntry("event", "auth_failed").containsEntry("user", "mallory")
                .containsEntry("client", "198.51.100.7").doesNotContainKey("id");
    }

    @Test
    void hostileValuesStayInsideTheirJsonString() throws Exception {
        List<String> lines = lines(Logging.Format.JSON,
                () -> MailLog.queued("01ABC", HOSTILE, 10, 1, "192.0.2.1", "eve\"}", "<a@b>\r\n{\"event\":\"x\"}"));

        assertThat(lines).singleElement();
        Map<String, Object> fields = parse(lines.getFirst());
        assertThat(fields).containsEntry("from", "evil@example.com\\x0d\\x0a01ABC: delivered"
                + " to=<victim@example.org>\\u2028x").containsEntry("user", "eve\"}")
                .containsEntry("message_id", "<a@b>\\x0d\\x0a{\"event\":\"x\"}").containsEntry("event", "queued");
    }
}
