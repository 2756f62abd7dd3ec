package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.mta.config.ConfigFiles.Refusal;
import dev.posthorn.mta.config.ConfigFiles.RefusalTable;
import dev.posthorn.smtp.server.Stress;
import dev.posthorn.smtp.server.Tarpit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys against abuse: limits.per_ip, limits.stress, min_data_rate, max_junk_commands, tarpit, dnsbl and senders;
 * read, defaulted, refused, printed.
 */
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
              min_data_rate: 2000
              max_junk_commands: 10
              stress:
                begin_percent: 50
                command_timeout: 5s
                data_timeout: 1500ms
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
        assertThat(config.limits().minDataRate()).isEqualTo(2000);
        assertThat(config.limits().maxJunkCommands()).isEqualTo(10);
        assertThat(config.limits().stress()).isEqualTo(new Stress(50, Duration.ofSeconds(5), Duration.ofMillis(1500)));
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
        assertThat(config.limits().minDataRate()).isEqualTo(500);
        assertThat(config.limits().maxJunkCommands()).isEqualTo(100);
        assertThat(config.limits().stress()).isEqualTo(new Stress(80, Duration.ofSeconds(5), Duration.ofSeconds(10)));
        assertThat(config.tarpit()).isEqualTo(new Tarpit(3, Duration.ofSeconds(1), Duration.ofSeconds(10)));
        assertThat(config.dnsbl().enabled()).isFalse();
        assertThat(config.senders()).isEqualTo(Senders.NONE);
    }

    @Test
    void afterErrorsZeroTurnsTheTarpitOff() throws Exception {
        assertThat(ConfigFiles.load(dir, "tarpit: { after_errors: 0 }\n").tarpit()).isEqualTo(Tarpit.OFF);
    }

    @Test
    void beginPercentZeroTurnsStressOff() throws Exception {
        Config config = ConfigFiles.load(dir, "limits: { stress: { begin_percent: 0 } }\n");
        assertThat(config.limits().stress().enabled()).isFalse();
        ConfigFiles.printedRoundTrip(dir, "limits: { stress: { begin_percent: 0, command_timeout: 3s } }\n");
    }

    @Test
    void aFullConfigurationRoundTripsThroughThePrinter() throws Exception {
        ConfigFiles.printedRoundTrip(dir, FULL);
    }

    /** One bad value in each file, refused on line 1 with its key path and reason. */
    static Stream<Refusal> badValues() {
        return Stream.of(
                // limits: a per_ip rate is a count per positive duration; max_connections_per_ip is 0 or more.
                refused("limits: { per_ip: { messages: 100 } }\n", 1, "limits.per_ip.messages", "expected a rate"),
                refused("limits: { per_ip: { messages: 100/0s } }\n", 1, "limits.per_ip.messages", "positive"),
                refused("limits: { per_ip: { messages: -1/1m } }\n", 1, "limits.per_ip.messages", "expected a rate"),
                refused("limits: { per_ip: { messages: 10/1x } }\n", 1, "limits.per_ip.messages",
                        "expected a duration"),
                refused("limits: { per_ip: { connections: 10 } }\n", 1, "limits.per_ip.connections", "unknown key"),
                refused("limits: { max_connections_per_ip: -1 }\n", 1, "limits.max_connections_per_ip",
                        "between 0 (no limit of its own)"),
                // limits.stress: a percent from 0 (off) to 100, positive durations; rates and counts positive.
                refused("limits: { stress: { begin_percent: 101 } }\n", 1, "limits.stress.begin_percent",
                        "between 0 (off) and 100"),
                refused("limits: { stress: { command_timeout: 0s } }\n", 1, "limits.stress.command_timeout",
                        "positive"),
                refused("limits: { stress: { data_timeout: soon } }\n", 1, "limits.stress.data_timeout",
                        "expected a duration"),
                refused("limits: { stress: { idle: 5s } }\n", 1, "limits.stress.idle", "unknown key"),
                refused("limits: { min_data_rate: 0 }\n", 1, "limits.min_data_rate", "positive"),
                refused("limits: { max_junk_commands: 0 }\n", 1, "limits.max_junk_commands", "between 1 and"),
                // tarpit: after_errors up to 1000, delay positive, max_delay at most 2m and not shorter than delay.
                refused("tarpit: { after_errors: -1 }\n", 1, "tarpit.after_errors", "between 0 (off) and 1000"),
                refused("tarpit: { delay: 0s }\n", 1, "tarpit.delay", "positive"),
                refused("tarpit: { max_delay: 10m }\n", 1, "tarpit.max_delay", "at most 2m"),
                refused("tarpit: { delay: 5s, max_delay: 2s }\n", 1, "tarpit.max_delay", "shorter than delay (5s)"),
                refused("tarpit: { delay: 20s }\n", 1, "tarpit", "max_delay (10s) is shorter than delay (20s)"),
                // dnsbl: zones are domain names listed once; the action is reject or log; the timeout a duration.
                refused("dnsbl: { zones: [ 127.0.0.2 ] }\n", 1, "dnsbl.zones[0]", "numeric"),
                refused("dnsbl: { zones: [ a.test, A.test ] }\n", 1, "dnsbl.zones[1]", "a.test listed twice"),
                refused("dnsbl: { action: drop }\n", 1, "dnsbl.action", "expected reject or log"),
                refused("dnsbl: { timeout: soon }\n", 1, "dnsbl.timeout", "expected a duration"),
                // senders: user names listed once, each with a list of addresses or whole domains.
                refused("senders: { alice: [ example.org ] }\n", 1, "senders.alice[0]",
                        "expected an address (user@domain) or a whole domain"),
                refused("senders: { alice: [ \"a b@example.org\" ] }\n", 1, "senders.alice[0]",
                        "not a dot-atom local part"),
                refused("senders: { alice: [ \"@bad_domain\" ] }\n", 1, "senders.alice[0]", "not a valid domain name"),
                refused("senders: { alice: [ a@x.test, A@X.test ] }\n", 1, "senders.alice[1]", "a@x.test listed twice"),
                refused("senders: { alice: [ a@x.test ], ALICE: [ b@x.test ] }\n", 1, "senders.ALICE",
                        "user listed twice"),
                refused("senders: { \"al ice\": [ a@x.test ] }\n", 1, "senders.al ice", "no spaces"),
                refused("senders: { alice: a@x.test }\n", 1, "senders.alice", "expected a list"));
    }

    @RefusalTable
    void badValues(Refusal refusal) {
        refusal.check(dir);
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
