package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.admin.ApiRequest;
import dev.posthorn.mta.admin.ApiResponse;
import dev.posthorn.mta.admin.ApiRoutes;
import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue in the admin API, called as the HTTP layer calls it ({@link ApiRoutes#handle}), against a running
 * daemon whose far.test exchanger (smtp-testing's fake server) greylists: each command is checked by what becomes of
 * the message (delivered or not, a report to the sender, the spool emptied).
 */
class QueueApiTest {

    static final Script GREYLISTING = Script.accepting().withRcpt("x@far.test", Reply.of(451, "4.7.1", "greylisted"));
    /** Retries an hour apart: after its first attempt a message waits for the operator's commands. */
    static final RetrySchedule HOURLY = new RetrySchedule(List.of(Duration.ofHours(1)), Duration.ofDays(5),
            Duration.ofDays(1));

    @TempDir
    Path dir;

    private DnsResponder dns;
    private FakeSmtpServer server;
    private volatile boolean greylisting = true;
    private Daemon daemon;

    @BeforeEach
    void start() throws Exception {
        dns = OutboundRetryTest.dns();
        server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                n -> greylisting ? GREYLISTING : Script.accepting());
        daemon = Daemon.start(OutboundRetryTest.config(dir, dns, server.port()), HOURLY);
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
        server.close();
        dns.close();
    }

    static ApiResponse call(Daemon daemon, String method, String path, Map<String, List<String>> query)
            throws IOException {
        ApiRequest request = new ApiRequest(method, List.of(path.split("/")), query, new byte[0]);
        for (ApiRoutes routes : daemon.apiRoutes()) {
            Optional<ApiResponse> response = routes.handle(request);
            if (response.isPresent()) {
                return response.get();
            }
        }
        return ApiResponse.error(404, "no such path");
    }

    private ApiResponse call(String method, String path) throws IOException {
        return call(daemon, method, path, Map.of());
    }

    /** Sends a message to x@far.test and waits for its first attempt (greylisted); returns its queue id. */
    static String deferredMessage(Daemon daemon, Path dir, FakeSmtpServer server) throws Exception {
        int before = server.commands().size();
        OutboundRetryTest.send(daemon, "x@far.test");
        await().atMost(Duration.ofSeconds(15)).until(() -> SpoolFiles.states(dir).stream()
                .anyMatch(QueueApiTest::attempted));
        assertThat(server.commands().size()).isGreaterThan(before);
        String id = SpoolFiles.states(dir).stream().filter(QueueApiTest::attempted).findFirst().orElseThrow()
                .getFileName().toString().replace(".state", "");
        return id;
    }

    private static boolean attempted(Path state) {
        try {
            return Files.readString(state).startsWith("attempts 1\n");
        } catch (IOException e) {
            return false; // replaced meanwhile
        }
    }

    private String deferred() throws Exception {
        return deferredMessage(daemon, dir, server);
    }

    private List<String> alice() throws IOException {
        return Maildirs.messages(dir.resolve("mail/alice"));
    }

    private static List<String> ids(String json) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("\"id\":\"(\\w+)\"").matcher(json);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    @Test
    void listAndShowGiveTheEnvelopeEachRecipientsStateAndTheNextRetry() throws Exception {
        String id = deferred();

        ApiResponse list = call("GET", "queue");
        assertThat(list.status()).isEqualTo(200);
        assertThat(ids(list.json())).containsExactly(id);
        assertThat(list.json()).contains("\"sender\":\"alice@a.test\"", "\"state\":\"deferred\"",
                "\"address\":\"x@far.test\"", "\"status\":\"pending\"", "451 4.7.1 greylisted");

        ApiResponse show = call("GET", "queue/" + id);
        assertThat(show.status()).isEqualTo(200);
        assertThat(show.json()).contains("\"id\":\"" + id + "\"", "\"attempts\":1", "\"next_retry\":\"",
                "\"held\":false", "mx.far.test[127.0.0.3]");
    }

    @Test
    void listFiltersByStateSenderRecipientDomainAndAge() throws Exception {
        String id = deferred();
        Map<String, List<String>> match = Map.of("state", List.of("deferred"), "sender", List.of("ALICE@"),
                "recipient", List.of("x@far"), "domain", List.of("FAR.test"), "min_age", List.of("0s"));
        assertThat(ids(call(daemon, "GET", "queue", match).json())).containsExactly(id);
        for (Map<String, List<String>> miss : List.of(Map.of("state", List.of("held")),
                Map.of("sender", List.of("bob")), Map.of("recipient", List.of("y@")),
                Map.of("domain", List.of("a.test")), Map.of("min_age", List.of("1h")))) {
            assertThat(ids(call(daemon, "GET", "queue", miss).json())).as(miss.toString()).isEmpty();
        }
        assertThat(call(daemon, "GET", "queue", Map.of("state", List.of("frozen"))).status()).isEqualTo(400);
        assertThat(call(daemon, "GET", "queue", Map.of("min_age", List.of("soon"))).status()).isEqualTo(400);
        assertThat(call(daemon, "GET", "queue", Map.of("limit", List.of("0"))).status()).isEqualTo(400);
    }

    @Test
    void anUnknownIdIsNotFoundForEveryCommand() throws Exception {
        for (String[] request : List.of(new String[] {"GET", "queue/0NOPE"}, new String[] {"GET", "queue/0NOPE/explain"},
                new String[] {"POST", "queue/0NOPE/hold"}, new String[] {"POST", "queue/0NOPE/release"},
                new String[] {"POST", "queue/0NOPE/bounce"}, new String[] {"POST", "queue/0NOPE/flush"},
                new String[] {"DELETE", "queue/0NOPE"}, new String[] {"GET", "queue/..%2Fx"})) {
            ApiResponse response = call(request[0], request[1]);
            assertThat(response.status()).as(String.join(" ", request)).isEqualTo(404);
            assertThat(response.json()).startsWith("{\"error\":\"no message ").endsWith(" in the queue\"}");
        }
        assertThat(call("GET", "queue/0NOPE").json()).isEqualTo("{\"error\":\"no message 0NOPE in the queue\"}");
        assertThat(call("PUT", "queue/0NOPE/hold").status()).isEqualTo(405);
        assertThat(call("GET", "other")).isEqualTo(ApiResponse.error(404, "no such path"));
    }

    @Test
    void aHeldMessageIsNotFlushedAndReleaseDeliversIt() throws Exception {
        String id = deferred();
        greylisting = false;
        server.closeConnections(); // the kept session would still greylist

        assertThat(call("POST", "queue/" + id + "/hold").status()).isEqualTo(200);
        assertThat(call("GET", "queue/" + id).json()).contains("\"state\":\"held\"", "\"held\":true");
        assertThat(call("POST", "queue/" + id + "/flush").status()).isEqualTo(409);
        assertThat(call("POST", "queue/flush").json()).contains("\"messages\":0");
        assertThat(ids(call(daemon, "GET", "queue", Map.of("state", List.of("held"))).json())).containsExactly(id);
        assertThat(server.received()).isEmpty();

        assertThat(call("POST", "queue/" + id + "/release").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> SpoolFiles.messages(dir) == 0);
        assertThat(server.received()).singleElement().satisfies(r ->
                assertThat(r.recipients()).containsExactly("x@far.test"));
        assertThat(call("GET", "queue/" + id).status()).isEqualTo(404);
    }

    @Test
    void deleteRemovesTheMessageAndTellsNobody() throws Exception {
        String id = deferred();
        assertThat(call("DELETE", "queue/" + id).json()).isEqualTo("{\"id\":\"" + id + "\",\"done\":\"delete\"}");
        assertThat(SpoolFiles.messages(dir)).isZero(); // no report was queued either
        assertThat(Files.list(dir.resolve("spool/queue")).map(p -> p.getFileName().toString()))
                .noneMatch(name -> name.startsWith(id));
        assertThat(alice()).isEmpty();
    }

    @Test
    void bounceTellsTheSenderAndRemovesTheMessage() throws Exception {
        String id = deferred();
        assertThat(call("POST", "queue/" + id + "/bounce").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> alice().size() == 1 && SpoolFiles.messages(dir) == 0);
        assertThat(alice().getFirst()).contains("Final-Recipient: rfc822; x@far.test", "Action: failed",
                "Status: 5.0.0", "bounced by the administrator");
        assertThat(server.received()).isEmpty();
    }

    @Test
    void flushOfOneMessageAttemptsItNow() throws Exception {
        String id = deferred();
        greylisting = false;
        server.closeConnections();
        assertThat(call("POST", "queue/" + id + "/flush").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> SpoolFiles.messages(dir) == 0);
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void flushOfADomainAttemptsItsDeferredMessagesNow() throws Exception {
        deferred();
        greylisting = false;
        server.closeConnections();
        assertThat(call(daemon, "POST", "queue/flush", Map.of("domain", List.of("elsewhere.test"))).json())
                .contains("\"messages\":0");
        ApiResponse flushed = call(daemon, "POST", "queue/flush", Map.of("domain", List.of("far.test")));
        assertThat(flushed.json()).contains("\"domain\":\"far.test\"", "\"messages\":1");
        await().atMost(Duration.ofSeconds(15)).until(() -> SpoolFiles.messages(dir) == 0);
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void aHoldSurvivesARestartAndOtherMailStillFlows() throws Exception {
        String id = deferred();
        assertThat(call("POST", "queue/" + id + "/hold").status()).isEqualTo(200);
        daemon.close();
        greylisting = false;
        server.closeConnections();
        // Retries every 100 ms: were the hold lost, the message would be sent at once.
        daemon = Daemon.start(OutboundRetryTest.config(dir, dns, server.port()), new RetrySchedule(
                List.of(Duration.ofMillis(100)), Duration.ofDays(5), Duration.ofDays(1)));
        OutboundRetryTest.send(daemon, "y@far.test");
        await().atMost(Duration.ofSeconds(15)).until(() -> server.received().size() == 1);
        assertThat(server.received().getFirst().recipients()).containsExactly("y@far.test");
        assertThat(ids(call(daemon, "GET", "queue", Map.of("state", List.of("held"))).json())).containsExactly(id);

        assertThat(call("POST", "queue/" + id + "/release").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> SpoolFiles.messages(dir) == 0);
        assertThat(server.received()).extracting(r -> r.recipients().getFirst()).containsExactly("y@far.test",
                "x@far.test");
    }
}
