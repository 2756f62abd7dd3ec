package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.spool.SpoolLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool is one daemon's: a second daemon on it is refused before it touches anything, and the first keeps
 * receiving and delivering. In one JVM the lock is the same refusal as across processes (interop/sendmail has the
 * two-process case).
 */
class SpoolLockTest {

    @TempDir
    Path dir;

    private List<String> alice() throws IOException {
        return Maildirs.messages(dir.resolve("mail").resolve("alice"));
    }

    @Test
    void aSecondDaemonOnTheSameSpoolIsRefusedAndTheFirstKeepsDelivering() throws Exception {
        Config config = TestConfigs.conformance(dir);
        Path spool = dir.resolve("spool").toAbsolutePath().normalize();
        try (Daemon first = Daemon.start(config)) {
            // A leftover in tmp/ that a second daemon's start-up sweep would clear: it must stay.
            Path leftover = Files.writeString(spool.resolve("tmp").resolve("leftover"), "x");
            long pid = ProcessHandle.current().pid();

            assertThatThrownBy(() -> Daemon.start(config))
                    .isInstanceOf(SpoolLock.InUseException.class)
                    .hasMessage("spool " + spool + " is in use by process " + pid);

            assertThat(leftover).exists();
            assertThat(Files.readString(spool.resolve("master.lock")).strip()).isEqualTo(String.valueOf(pid));
            TestMail.send(first.addresses().getFirst(), "s@client.test", "alice@posthorn.test", "after", "hi\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> alice().size() == 1);
        }
    }

    @Test
    void theSpoolIsFreeAgainOnceTheDaemonStopsOrFailsToStart() throws Exception {
        Config config = TestConfigs.conformance(dir);
        Daemon.start(config).close();
        try (Daemon again = Daemon.start(config)) {
            assertThatThrownBy(() -> SpoolLock.acquire(again.spoolRoot())).as("held by the daemon started again")
                    .isInstanceOf(SpoolLock.InUseException.class);
        }
        // A start that fails after taking the lock (its port is taken) lets go of it.
        try (Daemon holder = Daemon.start(config)) {
            Config samePort = TestConfigs.conformance(Files.createDirectories(dir.resolve("other")));
            Config clash = new Config(samePort.hostname(), dir.resolve("spool2"), List.of(
                    new dev.posthorn.mta.config.Listener(holder.addresses().getFirst().getAddress(),
                            holder.addresses().getFirst().getPort(), dev.posthorn.mta.config.Listener.Role.MX)),
                    samePort.tls(), samePort.trustedNetworks(), samePort.limits(), samePort.domains(),
                    samePort.usersFile(), samePort.dns(), samePort.queue(), samePort.relay(), samePort.routes(),
                    samePort.outbound());
            assertThatThrownBy(() -> Daemon.start(clash)).isInstanceOf(IOException.class);
            SpoolLock free = SpoolLock.acquire(dir.resolve("spool2"));
            try {
                assertThatThrownBy(() -> SpoolLock.acquire(dir.resolve("spool2"))).as("now held by this test")
                        .isInstanceOf(SpoolLock.InUseException.class);
            } finally {
                free.close();
            }
        }
    }
}
