package dev.posthorn.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sessions relay keeps for the next message to the same server. */
class ConnectionCacheTest {

    /**
     * Every delivery running at once (the queue runner's 20) may leave its session behind: with 4 kept, a busy route
     * closed most sessions after one message (bench/accept-rate --mode relay: 2,800 connections per 10,000 messages).
     * One more than that is surplus and is ended with QUIT.
     */
    @Test
    void keepsOneSessionPerConcurrentDeliveryAndQuitsTheSurplus() throws IOException {
        try (FakeSmtpServer server = FakeSmtpServer.start(FakeSmtpServer.Script.accepting());
             ConnectionCache cache = new ConnectionCache()) {
            int kept = ConnectionCache.MAX_IDLE_PER_SERVER;
            assertThat(kept).isGreaterThanOrEqualTo(20);
            List<SmtpClient> clients = new ArrayList<>();
            for (int i = 0; i <= kept; i++) {
                clients.add(SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", server.port()), SmtpClient.Protocol.SMTP,
                        "relay.test", ClientTimeouts.RFC_5321));
            }
            clients.forEach(client -> cache.give("key", client, 1));

            List<SmtpClient> taken = new ArrayList<>();
            for (int i = 0; i < kept; i++) {
                ConnectionCache.Lease lease = cache.take("key");
                assertThat(lease).as("session %d", i).isNotNull();
                assertThat(lease.uses()).isEqualTo(1);
                taken.add(lease.client());
            }
            assertThat(cache.take("key")).isNull();
            assertThat(taken).doesNotHaveDuplicates().doesNotContain(clients.getFirst()); // the oldest went first
            await().until(() -> server.commands().stream().filter("QUIT"::equals).count() == 1);
            taken.forEach(ConnectionCache::quit);
        }
    }
}
