package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.config.ConfigLoader;
import dev.posthorn.mta.daemon.Daemon;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code posthorn reload} against a running daemon, through its admin API, as an operator runs it. */
class ReloadCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine command = Main.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

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
        int smtp = freePort();
        int admin = freePort();
        Path file = write(smtp, admin, "");
        try (Daemon daemon = Daemon.start(ConfigLoader.load(file), () -> ConfigLoader.load(file))) {
            write(smtp, admin, "hostname: other.posthorn.test\n".replace("hostname", "# hostname"));
            assertThat(run("reload", "--config", file.toString())).isEqualTo(0);
            assertThat(out.toString()).isEqualTo("reloaded\n");

            write(smtp, admin, "colour: blue\n");
            assertThat(run("reload", "--config", file.toString())).isEqualTo(1);
            assertThat(err.toString().lines()).containsExactly(
                    file + ":7:1: colour: unknown key (expected hostname, spool, listeners, tls, trusted_networks,"
                            + " limits, domains, users_file, dns, queue, relay, routes, outbound, dkim, checks, tarpit,"
                            + " dnsbl, senders, admin, log)",
                    "posthorn: not reloaded: the running configuration stays");
            assertThat(daemon.config().hostname()).isEqualTo("mx.posthorn.test");
        }
    }

    @Test
    void reloadWithoutARunningDaemonSaysWhichAddressItTried() throws Exception {
        int admin = freePort();
        Path file = write(freePort(), admin, "");
        Files.createDirectories(dir.resolve("spool"));
        Files.writeString(dir.resolve("spool/admin.token"), "not-used\n");

        assertThat(run("reload", "--config", file.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("posthorn: the daemon is not running: nothing answers at 127.0.0.1:"
                + admin + "\n");
    }
}
