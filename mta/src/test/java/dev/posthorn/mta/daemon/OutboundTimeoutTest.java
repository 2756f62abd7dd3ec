package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Outbound;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer.Fault;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configured client timeouts ({@code outbound.timeouts}) are the ones outbound delivery uses. */
class OutboundTimeoutTest {

    @TempDir
    Path dir;

    @Test
    void aServerSilentAfterTheDataIsGivenUpOnAfterTheConfiguredDataEnd() throws Exception {
        Duration dataEnd = Duration.ofMillis(400);
        ClientTimeouts timeouts = new ClientTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), dataEnd);
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer silent = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting().withFault(new Fault.StallInData(Duration.ofSeconds(10))))) {
            Config config = OutboundRetryTest.config(dir, dns,
                    new Outbound(silent.port(), TlsPolicy.MAY).withTimeouts(timeouts), Config.defaults(dir).queue());
            try (Daemon daemon = Daemon.start(config, OutboundRetryTest.quick(Duration.ofDays(1)))) {
                OutboundRetryTest.send(daemon, "x@far.test");
                // With RFC 5321's 10 minutes the first attempt would still be waiting; with 400 ms it is retried.
                await().atMost(Duration.ofSeconds(8)).until(() -> silent.connections() >= 3);
            }
            String state = Files.readString(SpoolFiles.states(dir).getFirst());
            assertThat(state).contains("rcpt PENDING 451%204.4.1%20mx.far.test[127.0.0.3]:%20Read%20timed%20out");
        }
    }
}
