package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code posthorn config defaults} and {@code posthorn config check}, run as the launcher runs them. */
class ConfigCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine command = new CommandLine(new Main());
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }

    @Test
    void checkOfAValidFileSaysOkAndExitsZero() throws Exception {
        Path file = Files.writeString(dir.resolve("posthorn.yaml"), "hostname: mx.example.org\n");

        assertThat(run("config", "check", file.toString())).isZero();
        assertThat(out).hasToString(file + ": ok" + System.lineSeparator());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void checkOfAnInvalidFilePrintsEveryProblemAndExitsOne() throws Exception {
        Path file = Files.writeString(dir.resolve("posthorn.yaml"), """
                hostname: mx.example.org
                limits: { max_recipients: 10 }
                colour: blue
                """);

        assertThat(run("config", "check", file.toString())).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines()).containsExactly(
                file + ":2:27: limits.max_recipients: must be at least 100 (RFC 5321 4.5.3.1.8)",
                file + ":3:1: colour: unknown key (expected hostname, spool, listeners, tls, trusted_networks,"
                        + " limits, domains, users_file, dns, queue, relay, routes, outbound, dkim, checks, tarpit, dnsbl,"
                        + " senders, admin, log)");
    }

    @Test
    void checkOfAMissingFileExitsOne() {
        Path file = dir.resolve("absent.yaml");

        assertThat(run("config", "check", file.toString())).isEqualTo(1);
        assertThat(err).hasToString(file + ": no such file" + System.lineSeparator());
    }

    @Test
    void checkWithoutAFileIsAUsageError() {
        assertThat(run("config", "check")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter: 'FILE'");
    }

    @Test
    void defaultsPrintsADocumentThatLoadsBackToTheDefaults() throws Exception {
        assertThat(run("config", "defaults")).isZero();

        Path file = Files.writeString(dir.resolve("posthorn.yaml"), out.toString());
        assertThat(ConfigLoader.load(file)).isEqualTo(Config.defaults(dir));
        assertThat(run("config", "check", file.toString())).isZero();
    }
}
