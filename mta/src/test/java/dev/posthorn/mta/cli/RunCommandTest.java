package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code posthorn run --config FILE} with a file that cannot be used, run in-process as the launcher runs it: the
 * daemon does not start (a started daemon would block, hence the timeout), and every problem is printed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RunCommandTest {

    @TempDir
    Path dir;

    private final Terminal terminal = new Terminal();

    @Test
    void runWithAnInvalidConfigPrintsLineKeyAndReasonAndExitsOne() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), """
                hostname: mx.example.org
                spool: %s
                limits: { max_recipients: 10 }
                colour: blue
                """.formatted(dir.resolve("spool")));

        assertThat(terminal.run("run", "--config", file.toString())).isEqualTo(1);
        assertThat(terminal.err().lines()).containsExactly(
                file + ":3:27: limits.max_recipients: must be at least 100 (RFC 5321 4.5.3.1.8)",
                file + ":4:1: colour: unknown key (expected hostname, spool, listeners, tls, trusted_networks,"
                        + " limits, domains, users_file, dns, queue, relay, routes, outbound, dkim, checks, tarpit, dnsbl,"
                        + " senders, admin, log, dmarc, tls_rpt, spool_credentials, spool_lease, node, node_dir)",
                "posthorn: not started: the configuration has 2 problem(s)");
        assertThat(terminal.out()).isEmpty();
        assertThat(dir.resolve("spool")).doesNotExist();
    }

    @Test
    void runWithAYamlSyntaxErrorPointsAtItsLineAndExitsOne() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "hostname: mx.example.org\nlimits: [ 1, 2\n");

        assertThat(terminal.run("run", "--config", file.toString())).isEqualTo(1);
        assertThat(terminal.err()).startsWith(file + ":").contains("posthorn: not started");
        assertThat(terminal.err().lines().findFirst().orElseThrow()).matches(
                java.util.regex.Pattern.quote(file.toString()) + ":[23]:\\d+: .+");
        assertThat(terminal.out()).isEmpty();
    }

    @Test
    void aWarmupThatIsNoDurationIsAUsageError() {
        assertThat(terminal.run("run", "--warmup", "20x")).isEqualTo(2);
        assertThat(terminal.err()).contains("--warmup").contains("20x");
        assertThat(terminal.out()).isEmpty();
    }

    @Test
    void runWithAMissingConfigSaysSoAndExitsOne() {
        Path file = dir.resolve("absent.yaml");

        assertThat(terminal.run("run", "--config", file.toString())).isEqualTo(1);
        assertThat(terminal.err()).startsWith(file + ": no such file").contains("posthorn: not started");
        assertThat(terminal.err()).doesNotContain("Exception");
    }
}
