package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.config.ConfigLoader;
import dev.posthorn.mta.daemon.Daemon;
import dev.posthorn.mta.daemon.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code posthorn reload} against a running daemon, through its admin API, as an operator runs it. */
class ReloadCommandTest {

    @TempDir
    Path dir;

    private final Terminal terminal = new Terminal();

    private Path write(int smtp, int admin, String extra) throws IOException {
        return Files.writeString(dir.resolve("posthorn.yaml"), """
                hostname: mx.posthorn.test
                spool: spool
                listeners:
                  - { address: 127.0.0.1, port: %d, role: mx }
                admin: { listen: "127.0.0.1:%d" }
                checks: { spf: false, dkim: false, dmarc: false }
                %s""".formatted(smtp, admin, extra));
    }

    @Test
    void reloadTellsTheDaemonAndReportsWhatItDid() throws Exception {
        int smtp = FreePorts.loopback();
        int admin = FreePorts.loopback();
        Path file = write(smtp, admin, "");
        try (Daemon daemon = Daemon.start(ConfigLoader.load(file), () -> ConfigLoader.load(file))) {
            write(smtp, admin, "hostname: other.posthorn.test\n".replace("hostname", "# hostname"));
            assertThat(terminal.run("reload", "--config", file.toString())).isEqualTo(0);
            assertThat(terminal.out()).isEqualTo("reloaded\n");

            write(smtp, admin, "colour: blue\n");
            assertThat(terminal.run("reload", "--config", file.toString())).isEqualTo(1);
            assertThat(terminal.err().lines()).containsExactly(
                    file + ":7:1: colour: unknown key (expected hostname, spool, listeners, tls, trusted_networks,"
                            + " limits, domains, users_file, dns, queue, relay, routes, outbound, dkim, checks, tarpit,"
                            + " dnsbl, senders, admin, log, dmarc, tls_rpt, spool_credentials, spool_lease, node, node_dir)",
                    "posthorn: not reloaded: the running configuration stays");
            assertThat(daemon.config().hostname()).isEqualTo("mx.posthorn.test");
        }
    }

    @Test
    void reloadWithoutARunningDaemonSaysWhichAddressItTried() throws Exception {
        int admin = FreePorts.loopback();
        Path file = write(FreePorts.loopback(), admin, "");
        Files.createDirectories(dir.resolve("spool"));
        Files.writeString(dir.resolve("spool/admin.token"), "not-used\n");

        assertThat(terminal.run("reload", "--config", file.toString())).isEqualTo(1);
        assertThat(terminal.err()).isEqualTo("posthorn: the daemon is not running: nothing answers at 127.0.0.1:"
                + admin + "\n");
    }
}
