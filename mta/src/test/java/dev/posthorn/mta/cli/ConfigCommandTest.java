package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code posthorn config defaults} and {@code posthorn config check}, run as the launcher runs them. */
class ConfigCommandTest {

    @TempDir
    Path dir;

    private final Terminal terminal = new Terminal();

    @Test
    void checkOfAValidFileSaysOkAndExitsZero() throws Exception {
        Path file = Files.writeString(dir.resolve("posthorn.yaml"), "hostname: mx.example.org\n");

        assertThat(terminal.run("config", "check", file.toString())).isZero();
        assertThat(terminal.out()).isEqualTo(file + ": ok" + System.lineSeparator());
        assertThat(terminal.err()).isEmpty();
    }

    @Test
    void checkOfAnInvalidFilePrintsEveryProblemAndExitsOne() throws Exception {
        Path file = Files.writeString(dir.resolve("posthorn.yaml"), """
                hostname: mx.example.org
                limits: { max_recipients: 10 }
                colour: blue
                """);

        assertThat(terminal.run("config", "check", file.toString())).isEqualTo(1);
        assertThat(terminal.out()).isEmpty();
        assertThat(terminal.err().lines()).containsExactly(
                file + ":2:27: limits.max_recipients: must be at least 100 (RFC 5321 4.5.3.1.8)",
                file + ":3:1: colour: unknown key (expected hostname, spool, listeners, tls, trusted_networks,"
                        + " limits, domains, users_file, dns, queue, relay, routes, outbound, dkim, checks, tarpit, dnsbl,"
                        + " senders, admin, log, dmarc, tls_rpt, spool_credentials, spool_lease, node, node_dir)");
    }

    @Test
    void checkOfAMissingFileExitsOne() {
        Path file = dir.resolve("absent.yaml");

        assertThat(terminal.run("config", "check", file.toString())).isEqualTo(1);
        assertThat(terminal.err()).isEqualTo(file + ": no such file" + System.lineSeparator());
    }

    @Test
    void checkWithoutAFileIsAUsageError() {
        assertThat(terminal.run("config", "check")).isEqualTo(2);
        assertThat(terminal.err()).contains("Missing required parameter: 'FILE'");
    }

    @Test
    void defaultsPrintsADocumentThatLoadsBackToTheDefaults() throws Exception {
        assertThat(terminal.run("config", "defaults")).isZero();

        Path file = Files.writeString(dir.resolve("posthorn.yaml"), terminal.out());
        assertThat(ConfigLoader.load(file)).isEqualTo(Config.defaults(dir));
        assertThat(terminal.run("config", "check", file.toString())).isZero();
    }
}
