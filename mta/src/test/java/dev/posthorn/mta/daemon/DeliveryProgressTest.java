package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer.Fault;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When delivery progress reaches the spool: a message delivered whole at its first attempt never writes a state
 * file (the fast path costs no extra fsync); a recipient delivered into a mailbox while other deliveries of the same
 * message are still to come is recorded at once, so a crash meanwhile does not deliver it twice.
 */
class DeliveryProgressTest {

    private static final RetrySchedule QUICK = OutboundRetryTest.quick(Duration.ofDays(1));

    @TempDir
    Path dir;

    private Config config(DnsResponder dns, int port) throws IOException {
        return OutboundRetryTest.config(dir, dns, port);
    }

    private Path stateFile() throws IOException {
        return SpoolFiles.states(dir).stream().findFirst().orElse(null);
    }

    @Test
    void aSingleRecipientDeliveredAtOnceWritesNoStateFile() throws Exception {
        try (DnsResponder dns = OutboundRetryTest.dns();
             Daemon daemon = Daemon.start(config(dns, 9), QUICK);
             WatchService watch = FileSystems.getDefault().newWatchService()) {
            WatchKey tmp = dir.resolve("spool/tmp").register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            WatchKey queue = dir.resolve("spool/queue").register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            // NOTIFY=SUCCESS: queued (mail for one mailbox without it is delivered before the 250, never queued),
            // and each success report is queued to alice too.
            java.util.Properties session = TestMail.session(daemon.addresses().getFirst());
            session.put("mail.smtp.dsn.notify", "SUCCESS");
            for (int i = 0; i < 5; i++) {
                jakarta.mail.Transport.send(TestMail.message(session, "alice@a.test", "alice@a.test", "outbound",
                        "hello\r\n"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> Maildirs.messages(dir.resolve("mail/alice")).size() == 10
                    && daemon.runner().isIdle());
            List<String> created = new ArrayList<>();
            for (WatchKey key : List.of(tmp, queue)) {
                for (WatchEvent<?> event : key.pollEvents()) {
                    created.add(event.context().toString());
                }
            }
            assertThat(created).as("files written to the spool").isNotEmpty()
                    .noneMatch(name -> name.endsWith(".state"));
        }
    }

    @Test
    void aMailboxDeliveryIsRecordedBeforeTheRemoteOneOfTheSameMessage() throws Exception {
        Script stalling = Script.accepting().withFault(new Fault.StallInData(Duration.ofSeconds(3)));
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> n == 0 ? stalling : Script.accepting());
             Daemon daemon = Daemon.start(config(dns, server.port()), QUICK)) {
            OutboundRetryTest.send(daemon, "alice@a.test, x@far.test");
            // While the remote server stalls, alice's copy is already recorded: a crash now would not repeat it.
            await().atMost(Duration.ofSeconds(3)).until(() -> stateFile() != null);
            assertThat(Files.readString(stateFile())).startsWith("attempts 0\n")
                    .contains("rcpt DELIVERED maildir%20").contains("rcpt PENDING -\n");
            assertThat(Maildirs.messages(dir.resolve("mail/alice"))).hasSize(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> server.received().size() == 1
                    && SpoolFiles.messages(dir) == 0 && SpoolFiles.states(dir).isEmpty());
            assertThat(Maildirs.messages(dir.resolve("mail/alice"))).hasSize(1);
        }
    }
}
