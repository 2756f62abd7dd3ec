package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue's meters in the daemon's registry, as Prometheus reads them, counting what the test did. */
class QueueMetricsTest {

    @TempDir
    Path dir;

    @Test
    void attemptsReportsLatencyAndTheQueueByStateAreCounted() throws Exception {
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> QueueApiTest.GREYLISTING);
             Daemon daemon = Daemon.start(OutboundRetryTest.config(dir, dns, server.port()), QueueApiTest.HOURLY)) {
            String id = QueueApiTest.deferredMessage(daemon, dir, server);
            OutboundRetryTest.send(daemon, "alice@a.test");
            await().atMost(Duration.ofSeconds(15)).until(() -> Maildirs.messages(dir.resolve("mail/alice")).size() == 1);
            assertThat(QueueApiTest.call(daemon, "POST", "queue/" + id + "/hold", Map.of()).status()).isEqualTo(200);

            String text = ((PrometheusMeterRegistry) daemon.metrics()).scrape();
            assertThat(text).contains(
                    "posthorn_delivery_attempts_total{outcome=\"deferred\",transport=\"smtp\"} 1.0",
                    "posthorn_delivery_attempts_total{outcome=\"delivered\",transport=\"maildir\"} 1.0",
                    "posthorn_delivery_seconds_count 1");
            assertThat(text).doesNotContain("posthorn_dsn_total");
            // The queue's count is made off the scrape, at most a couple of seconds behind: a later scrape has it.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(((PrometheusMeterRegistry) daemon.metrics()).scrape()).contains(
                            "posthorn_queue_messages{state=\"held\"} 1.0",
                            "posthorn_queue_messages{state=\"deferred\"} 0.0",
                            "posthorn_queue_messages{state=\"active\"} 0.0"));

            assertThat(QueueApiTest.call(daemon, "POST", "queue/" + id + "/bounce", Map.of()).status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(15)).until(() -> Maildirs.messages(dir.resolve("mail/alice")).size() == 2);
            assertThat(((PrometheusMeterRegistry) daemon.metrics()).scrape())
                    .contains("posthorn_dsn_total{kind=\"failure\"} 1.0")
                    .contains("posthorn_delivery_attempts_total{outcome=\"delivered\",transport=\"maildir\"} 2.0");
        }
    }
}
