package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.server.Tarpit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The keys against abuse: limits.per_ip, tarpit, dnsbl and senders; read, defaulted, refused, printed. */
class AbuseConfigTest {

    @TempDir
    Path dir;

    private static final String FULL = """
            limits:
              max_connections_per_ip: 0
              per_ip:
                connection_rate: 30/10s
                messages: 0
                recipients: 1000/1h
            tarpit:
              after_errors: 5
              delay: 500ms
              max_delay: 20s
            dnsbl:
              zones: [ zen.example.test, "BL.Example.test" ]
              action: log
              timeout: 1500ms
            senders:
              Alice: [ "alice@example.org", "@Example.net", "sales@example.org" ]
              bob@partner.test: [ "bob@partner.test" ]
            """;

    @Test
    void everyKeyIsRead() throws Exception {
        Config config = ConfigFiles.load(dir, FULL);

        assertThat(config.limits().maxConnectionsPerIp()).isZero();
        assertThat(config.limits().effectiveConnectionsPerIp()).isEqualTo(config.limits().maxConnections());
        assertThat(config.limits().perIp()).isEqualTo(new PerIp(new Rate(30, Duration.ofSeconds(10)), Rate.OFF,
                new Rate(1000, Duration.ofHours(1))));
        assertThat(config.tarpit()).isEqualTo(new Tarpit(5, Duration.ofMillis(500), Duration.ofSeconds(20)));
        assertThat(config.dnsbl()).isEqualTo(new Dnsbl(List.of("zen.example.test", "bl.example.test"),
                Dnsbl.Action.LOG, Duration.ofMillis(1500)));
        assertThat(config.senders().byUser()).containsExactly(
                Map.entry("alice", List.of("alice@example.org", "@example.net", "sales@example.org")),
                Map.entry("bob@partner.test", List.of("bob@partner.test")));
        assertThat(config.senders().of("ALICE")).isPresent();
    }

    @Test
    void absentKeysTakeTodaysDefaults() throws Exception {
        Config config = ConfigFiles.load(dir, "limits: { per_ip: { messages: 5/1m } }\n");

        assertThat(config.limits().perIp()).isEqualTo(new PerIp(new Rate(60, Duration.ofMinutes(1)),
                new Rate(5, Duration.ofMinutes(1)), new Rate(500, Duration.ofMinutes(1))));
        assertThat(config.limits().maxConnectionsPerIp()).isEqualTo(50);
        assertThat(config.tarpit()).isEqualTo(new Tarpit(3, Duration.ofSeconds(1), Duration.ofSeconds(10)));
        assertThat(config.dnsbl().enabled()).isFalse();
        assertThat(config.senders()).isEqualTo(Senders.NONE);
    }

    @Test
    void afterErrorsZeroTurnsTheTarpitOff() throws Exception {
        assertThat(ConfigFiles.load(dir, "tarpit: { after_errors: 0 }\n").tarpit()).isEqualTo(Tarpit.OFF);
    }

    @Test
    void aFullConfigurationRoundTripsThroughThePrinter() throws Exception {
        Config config = ConfigFiles.load(dir, FULL);

        assertThat(ConfigFiles.load(dir, ConfigPrinter.print(config, dir))).isEqualTo(config);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "limits: { per_ip: { messages: 100 } }|limits.per_ip.messages|expected a rate",
        "limits: { per_ip: { messages: 100/0s } }|limits.per_ip.messages|positive",
        "limits: { per_ip: { messages: -1/1m } }|limits.per_ip.messages|expected a rate",
        "limits: { per_ip: { messages: 10/1x } }|limits.per_ip.messages|expected a duration",
        "limits: { per_ip: { connections: 10 } }|limits.per_ip.connections|unknown key",
        "limits: { max_connections_per_ip: -1 }|limits.max_connections_per_ip|between 0 (no limit of its own)",
        "tarpit: { after_errors: -1 }|tarpit.after_errors|between 0 (off) and 1000",
        "tarpit: { delay: 0s }|tarpit.delay|positive",
        "tarpit: { max_delay: 10m }|tarpit.max_delay|at most 2m",
        "tarpit: { delay: 5s, max_delay: 2s }|tarpit.max_delay|shorter than delay (5s)",
        "tarpit: { delay: 20s }|tarpit|max_delay (10s) is shorter than delay (20s)",
        "dnsbl: { zones: [ 127.0.0.2 ] }|dnsbl.zones[0]|numeric",
        "dnsbl: { zones: [ a.test, A.test ] }|dnsbl.zones[1]|a.test listed twice",
        "dnsbl: { action: drop }|dnsbl.action|expected reject or log",
        "dnsbl: { timeout: soon }|dnsbl.timeout|expected a duration",
        "senders: { alice: [ example.org ] }|senders.alice[0]|expected an address (user@domain) or a whole domain",
        "senders: { alice: [ \"a b@example.org\" ] }|senders.alice[0]|not a dot-atom local part",
        "senders: { alice: [ \"@bad_domain\" ] }|senders.alice[0]|not a valid domain name",
        "senders: { alice: [ a@x.test, A@X.test ] }|senders.alice[1]|a@x.test listed twice",
        "senders: { alice: [ a@x.test ], ALICE: [ b@x.test ] }|senders.ALICE|user listed twice",
        "senders: { \"al ice\": [ a@x.test ] }|senders.al ice|no spaces",
        "senders: { alice: a@x.test }|senders.alice|expected a list"})
    void badValuesAreRefusedWithTheirKey(String yaml, String key, String reason) {
        onlyProblem(dir, yaml + "\n", 1, key, reason);
    }

    @Test
    void recordsRefuseWhatTheFileCannotSay() {
        assertThatThrownBy(() -> new Rate(-1, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Dnsbl(List.of("a.test", "a.test"), Dnsbl.Action.REJECT, Duration.ofSeconds(1)))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> new Senders(Map.of("Alice", List.of("a@x.test")))).hasMessageContaining("lower case");
        assertThatThrownBy(() -> new Senders(Map.of("alice", List.of("nothing")))).hasMessageContaining("address");
    }

    @Test
    void ratesPrintAsTheyAreWritten() {
        assertThat(Rate.parse("60/1m")).hasToString("60/1m");
        assertThat(Rate.parse("0")).isEqualTo(Rate.OFF).hasToString("0");
        assertThat(Rate.parse("0/1h")).isEqualTo(Rate.OFF);
        assertThat(Rate.parse("90/60s")).hasToString("90/1m");
    }
}
