package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code posthorn run --config FILE} with a file that cannot be used, run in-process as the launcher runs it: the
 * daemon does not start (a started daemon would block, hence the timeout), and every problem is printed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RunCommandTest {

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

    @Test
    void runWithAnInvalidConfigPrintsLineKeyAndReasonAndExitsOne() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), """
                hostname: mx.example.org
                spool: %s
                limits: { max_recipients: 10 }
                colour: blue
                """.formatted(dir.resolve("spool")));

        assertThat(run("run", "--config", file.toString())).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly(
                file + ":3:27: limits.max_recipients: must be at least 100 (RFC 5321 4.5.3.1.8)",
                file + ":4:1: colour: unknown key (expected hostname, spool, listeners, tls, trusted_networks,"
                        + " limits, domains, users_file, dns, queue, relay, routes, outbound, dkim, checks, tarpit, dnsbl,"
                        + " senders, admin, log)",
                "posthorn: not started: the configuration has 2 problem(s)");
        assertThat(out.toString()).isEmpty();
        assertThat(dir.resolve("spool")).doesNotExist();
    }

    @Test
    void runWithAYamlSyntaxErrorPointsAtItsLineAndExitsOne() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "hostname: mx.example.org\nlimits: [ 1, 2\n");

        assertThat(run("run", "--config", file.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith(file + ":").contains("posthorn: not started");
        assertThat(err.toString().lines().findFirst().orElseThrow()).matches(
                java.util.regex.Pattern.quote(file.toString()) + ":[23]:\\d+: .+");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void runWithAMissingConfigSaysSoAndExitsOne() {
        Path file = dir.resolve("absent.yaml");

        assertThat(run("run", "--config", file.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith(file + ": no such file").contains("posthorn: not started");
        assertThat(err.toString()).doesNotContain("Exception");
    }
}
