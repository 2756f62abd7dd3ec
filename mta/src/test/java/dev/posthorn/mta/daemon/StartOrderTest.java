package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.MessageWriter;
import dev.posthorn.mta.spool.Spool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails on something it loads (issue 12: "start-up leaks running threads") has delivered nothing and
 * left nothing running: every input is loaded and checked before the queue runner starts.
 */
class StartOrderTest {

    @TempDir
    Path dir;

    @Test
    void aUsersFileThatCannotBeReadStopsTheStartBeforeAnyDelivery() throws Exception {
        Config good = TestConfigs.conformance(dir);
        Spool spool = Spool.open(good.spool());
        try (MessageWriter writer = spool.writer("01QUEUEDBEFORE")) {
            writer.body().write("Subject: waiting\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII));
            writer.commit(Envelopes.of("01QUEUEDBEFORE", Instant.now(), "s@client.test", "alice@posthorn.test"));
        }
        Config broken = new Config(good.hostname(), good.spool(), good.listeners(), good.tls(), good.trustedNetworks(),
                good.limits(), good.domains(), Optional.of(dir.resolve("no-such-users.txt")), good.dns(),
                good.queue(), good.relay(), good.routes(), good.outbound());

        assertThatThrownBy(() -> Daemon.start(broken)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("users_file " + dir.resolve("no-such-users.txt"));

        assertThat(Maildirs.messages(dir.resolve("mail/alice"))).isEmpty();
        assertThat(SpoolFiles.messages(dir)).isEqualTo(1);
        try (Daemon daemon = Daemon.start(good)) { // the lock was let go: the next start takes the spool
            assertThat(daemon.spoolRoot()).isEqualTo(good.spool());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> Maildirs.messages(dir.resolve("mail/alice")).size() == 1);
        }
    }
}
