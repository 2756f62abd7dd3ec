package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.onlyProblem;
import static dev.posthorn.mta.config.ConfigFiles.problems;
import static dev.posthorn.mta.config.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.posthorn.mta.config.ConfigFiles.Refusal;
import dev.posthorn.mta.config.ConfigFiles.RefusalTable;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules for the top-level keys, listeners, networks and limits; each problem names its line and key path. */
class ConfigValidationTest {

    @TempDir
    Path dir;

    @Test
    void unknownKeyIsReportedWithLine() {
        Problem problem = onlyProblem(dir, """
                hostname: mx.example.org
                hostnmae: mx.example.org
                """, 2, "hostnmae", "unknown key");
        assertThat(problem.column()).isEqualTo(1);
        assertThat(problem.reason()).contains("hostname, spool, listeners");
    }

    /** Files with one mistake each, grouped by rule; each is refused with the line, key path and reason named. */
    static Stream<Refusal> mistakesInKeysListenersAndLimits() {
        return Stream.of(
                // Unknown and duplicate keys and values of the wrong type, each named by its key path.
                refused("""
                        limits:
                          max_recipients: 200
                          max_recipient: 200
                        """, 3, "limits.max_recipient", "unknown key"),
                refused("""
                        hostname: a.example.org
                        spool: var/spool
                        hostname: b.example.org
                        """, 3, "hostname", "duplicate key (first at line 1)"),
                refused("""
                        listeners:
                          - { address: 127.0.0.1, port: "25", role: mx }
                        """, 2, "listeners[0].port", "expected an integer, got a string"),
                refused("limits: [ 1, 2 ]\n", 1, "limits", "expected a mapping, got a list"),
                // The hostname is a domain name, not an address literal or another type.
                refused("hostname: mx_1.example.org\n", 1, "hostname", "not a valid domain name"),
                refused("hostname: 192.0.2.1\n", 1, "hostname", "numeric"),
                refused("hostname: true\n", 1, "hostname", "expected a string, got a boolean"),
                // A listener's address is an IP literal.
                refused("""
                        listeners:
                          - { address: localhost, port: 25, role: mx }
                        """, 2, "listeners[0].address", "host names are not allowed"),
                refused("""
                        listeners:
                          - { address: 127.0.0.256, port: 25, role: mx }
                        """, 2, "listeners[0].address", "not an IP address"),
                // Two listeners on the same address and port clash; a wildcard address clashes with every address.
                refused("""
                        listeners:
                          - { address: 127.0.0.1, port: 2525, role: mx }
                          - { address: 127.0.0.1, port: 2587, role: submission }
                          - { address: 127.0.0.1, port: 2525, role: submissions }
                        """, 4, "listeners[2]", "clashes with listeners[0]"),
                refused("""
                        listeners:
                          - { address: 0.0.0.0, port: 25, role: mx }
                          - { address: 192.0.2.1, port: 25, role: mx }
                          - { address: 192.0.2.1, port: 587, role: submission }
                        """, 3, "listeners[1]", "clashes with listeners[0]"),
                refused("""
                        listeners:
                          - { address: 127.0.0.1, port: 25, role: mx }
                          - { address: "::", port: 25, role: mx }
                        """, 3, "listeners[1]", "clashes with listeners[0]"),
                // A listener's role is one of the three names in lower case; it needs a port; there is at least one.
                refused("""
                        listeners:
                          - { address: 127.0.0.1, port: 25, role: MX }
                        """, 2, "listeners[0].role", "expected mx, submission or submissions"),
                refused("""
                        listeners:
                          - address: 127.0.0.1
                            role: mx
                        """, 2, "listeners[0].port", "missing key"),
                refused("listeners: []\n", 1, "listeners", "at least one listener"),
                // TLS needs both the certificate and the key file.
                refused("tls: { cert: cert.pem }\n", 1, "tls.key", "missing key"),
                // A trusted network is written as its first address: host bits are a mistake.
                refused("trusted_networks: [ 10.1.2.3/8 ]\n", 1, "trusted_networks[0]", "did you mean 10.0.0.0/8?"),
                // RFC 5321 4.5.3.1.8: at least 100 recipients must be buffered.
                refused("limits: { max_recipients: 99 }\n", 1, "limits.max_recipients",
                        "at least 100 (RFC 5321 4.5.3.1.8)"),
                // One address may not have more connections than all of them, written or by default.
                refused("""
                        limits:
                          max_connections: 10
                          max_connections_per_ip: 20
                        """, 3, "limits.max_connections_per_ip", "exceeds max_connections (10)"),
                refused("""
                        limits:
                          max_connections: 10
                        """, 2, "limits", "below the default max_connections_per_ip (50)"),
                // Integers beyond what the field holds are refused, not wrapped.
                refused("limits: { max_message_size: 99999999999999999999 }\n", 1, "limits.max_message_size",
                        "not an integer in range"),
                refused("limits: { max_connections: 3000000000 }\n", 1, "limits.max_connections",
                        "must be between 1 and 2147483647"));
    }

    @RefusalTable
    void mistakesInKeysListenersAndLimits(Refusal refusal) {
        refusal.check(dir);
    }

    @Test
    void listenerPortOutOfRangeIsRefused() {
        List<Problem> problems = problems(dir, """
                listeners:
                  - address: 127.0.0.1
                    port: 0
                    role: mx
                  - address: 127.0.0.1
                    port: 65536
                    role: mx
                """);
        assertThat(problems).extracting(Problem::line, Problem::key, Problem::reason).containsExactly(
                tuple(3, "listeners[0].port", "port must be between 1 and 65535"),
                tuple(6, "listeners[1].port", "port must be between 1 and 65535"));
    }

    @Test
    void trustedNetworkMustBeCidr() {
        List<Problem> problems = problems(dir, """
                trusted_networks:
                  - 10.0.0.0/8
                  - 10.0.0.0/33
                  - intranet.example.org
                  - 2001:db8::/129
                  - 192.0.2.0/
                """);
        assertThat(problems).extracting(Problem::line).containsExactly(3, 4, 5, 6);
        assertThat(problems).extracting(Problem::key).containsExactly("trusted_networks[1]", "trusted_networks[2]",
                "trusted_networks[3]", "trusted_networks[4]");
        assertThat(problems.get(0).reason()).contains("between 0 and 32");
        assertThat(problems.get(1).reason()).contains("host names are not allowed");
        assertThat(problems.get(2).reason()).contains("between 0 and 128");
    }

    @Test
    void limitsMustBePositive() {
        List<Problem> problems = problems(dir, """
                limits:
                  max_message_size: 0
                  max_connections: -1
                  min_free_disk: 0
                """);
        assertThat(problems).extracting(Problem::key).containsExactly("limits.max_message_size",
                "limits.max_connections", "limits.min_free_disk");
        assertThat(problems).extracting(Problem::line).containsExactly(2, 3, 4);
    }

    @Test
    void coreSchemaIntegerFormsAreRead() throws Exception {
        Config config = ConfigFiles.load(dir, "limits: { max_message_size: 0x1000000, max_recipients: +100 }\n");
        assertThat(config.limits().maxMessageSize()).isEqualTo(16_777_216);
    }

    @Test
    void severalProblemsAreReportedTogether() {
        List<Problem> problems = problems(dir, """
                hostname: -bad-
                listeners:
                  - { address: 127.0.0.1, port: 70000, role: mx }
                limits: { max_recipients: 10 }
                colour: blue
                """);
        assertThat(problems).extracting(Problem::line).containsExactly(1, 3, 4, 5);
        assertThat(problems).extracting(Problem::key).containsExactly("hostname", "listeners[0].port",
                "limits.max_recipients", "colour");
    }

    @Test
    void problemReadsLikeACompilerMessage() {
        assertThat(new Problem("posthorn.yaml", 12, 5, "domains.example.org.delivery", "expected maildir or lmtp"))
                .hasToString("posthorn.yaml:12:5: domains.example.org.delivery: expected maildir or lmtp");
        assertThat(new Problem("posthorn.yaml", 0, 0, "", "no such file")).hasToString("posthorn.yaml: no such file");
        assertThat(new Problem("posthorn.yaml", 3, 1, "", "bad")).hasToString("posthorn.yaml:3:1: bad");
    }
}
