package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.posthorn.mta.admin.ApiResponse;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explain} for a message a greylisting exchanger refused at RCPT: the reply, the MX host and address it came
 * from, the commands sent and the next retry, read back from the history kept with the message, also after a restart
 * and past a damaged history line.
 */
class ExplainTest {

    @TempDir
    Path dir;

    @Test
    void explainShowsTheGreylistingReplyWhereItCameFromWhatWasSentAndTheNextRetry() throws Exception {
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> QueueApiTest.GREYLISTING)) {
            String id;
            String first;
            try (Daemon daemon = Daemon.start(OutboundRetryTest.config(dir, dns, server.port()),
                    QueueApiTest.HOURLY)) {
                id = QueueApiTest.deferredMessage(daemon, dir, server);
                ApiResponse explain = QueueApiTest.call(daemon, "GET", "queue/" + id + "/explain", Map.of());
                assertThat(explain.status()).isEqualTo(200);
                first = explain.json();
            }
            assertThat(first).contains("\"id\":\"" + id + "\"", "\"recipient\":\"x@far.test\"",
                    "\"status\":\"pending\"", "\"transport\":\"smtp\"", "\"route\":\"mx\"",
                    "{\"preference\":10,\"host\":\"mx.far.test\",\"addresses\":[\"127.0.0.3\"]}",
                    "\"host\":\"mx.far.test[127.0.0.3]\"", "\"tls\":\"none\"", "\"tls_policy\":\"level may",
                    "\"C: EHLO mx.a.test\"", "\"C: MAIL FROM:<alice@a.test>", "\"C: RCPT TO:<x@far.test>\"",
                    "\"S: 451 4.7.1 greylisted\"", "\"outcome\":\"deferred\"",
                    "\"diagnostic\":\"mx.far.test[127.0.0.3] said: 451 4.7.1 greylisted\"", "\"next_retry\":\"");
            assertThat(first).doesNotContain("hello far away"); // never message data
            assertWellFormed(first);

            Files.writeString(dir.resolve("spool/queue/" + id + ".history"), "{\"damaged\n",
                    StandardOpenOption.APPEND);
            try (Daemon daemon = Daemon.start(OutboundRetryTest.config(dir, dns, server.port()),
                    QueueApiTest.HOURLY)) {
                ApiResponse again = QueueApiTest.call(daemon, "GET", "queue/" + id + "/explain", Map.of());
                assertThat(again.status()).isEqualTo(200);
                assertThat(again.json()).contains("\"S: 451 4.7.1 greylisted\"", "mx.far.test[127.0.0.3]")
                        .doesNotContain("damaged");
                assertWellFormed(again.json());
            }
        }
    }

    @Test
    void anAttemptForAHundredRecipientsStaysInTheHistoryWithoutTheHostsDetails() throws Exception {
        // A hundred greylisted recipients, each with the host's dialogue, would pass the spool's 64 KiB line.
        FakeSmtpServer.Script script = FakeSmtpServer.Script.accepting();
        StringBuilder to = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            script = script.withRcpt("r" + i + "@far.test", dev.posthorn.smtp.Reply.of(451, "4.7.1", "greylisted"));
            to.append(i == 0 ? "" : ", ").append("r").append(i).append("@far.test");
        }
        FakeSmtpServer.Script greylisting = script;
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0), n -> greylisting);
             Daemon daemon = Daemon.start(OutboundRetryTest.config(dir, dns, server.port()), QueueApiTest.HOURLY)) {
            OutboundRetryTest.send(daemon, to.toString());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                    .until(() -> histories().size() == 1);
            String id = histories().getFirst().getFileName().toString().replace(".history", "");

            String explain = QueueApiTest.call(daemon, "GET", "queue/" + id + "/explain", Map.of()).json();

            assertWellFormed(explain);
            assertThat(explain).contains("\"recipient\":\"r0@far.test\"", "\"recipient\":\"r99@far.test\"",
                    "\"diagnostic\":\"mx.far.test[127.0.0.3] said: 451 4.7.1 greylisted\"")
                    .doesNotContain("\"transcript\"");
        }
    }

    private java.util.List<Path> histories() throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("spool/queue"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".history")).toList();
        }
    }

    private static void assertWellFormed(String json) throws Exception {
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            parser.skipChildren();
            assertThat(parser.nextToken()).isNull();
        }
    }
}
