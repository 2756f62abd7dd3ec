package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.load;
import static dev.posthorn.mta.config.ConfigFiles.onlyProblem;
import static dev.posthorn.mta.config.ConfigFiles.problems;
import static dev.posthorn.mta.config.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.assertj.core.groups.Tuple.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.posthorn.mta.config.ConfigFiles.Refusal;
import dev.posthorn.mta.config.ConfigFiles.RefusalTable;
import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.mta.routing.RouteTarget;
import dev.posthorn.mta.tls.TlsPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** The rules for dns, queue, relay, routes and outbound; each problem names its line and key path. */
class OutboundValidationTest {

    /** A relay with AUTH and a password file {@code password}, next to the configuration. */
    private static final String RELAY_WITH_AUTH = """
            relay:
              smarthost: smtp.example.net:587
              auth: { user: posthorn, password_file: password }
            """;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"10", "1.5s", "10 s", "1h30m", "10sec", "s", "PT10S", "\"\""})
    void aDurationIsAnIntegerAndOneUnit(String bad) {
        onlyProblem(dir, "dns: { timeout: " + bad + " }\n", 1, "dns.timeout",
                "expected a duration, an integer and a unit (ms, s, m, h or d)");
    }

    /** Files with one mistake each, grouped by section and rule; each is refused with its line, key path and reason. */
    static Stream<Refusal> mistakesInDnsQueueRelayRoutesAndOutbound() {
        return Stream.of(
                // A duration is positive, written as a string, and short enough for java.time.Duration.
                refused("dns: { timeout: 0s }\n", 1, "dns.timeout", "must be positive, got 0s"),
                refused("dns: { timeout: -5s }\n", 1, "dns.timeout", "must be positive, got -5s"),
                refused("dns: { timeout: [ 10s ] }\n", 1, "dns.timeout", "expected a string, got a list"),
                refused("queue: { max_lifetime: 99999999999999999999d }\n", 1, "queue.max_lifetime",
                        "duration too long"),
                refused("queue: { max_lifetime: 9999999999999999d }\n", 1, "queue.max_lifetime", "duration too long"),
                // dns.resolvers: a list of IP literals with an optional port, IPv6 in brackets, each once.
                refused("dns: { resolvers: [ \"::1\" ] }\n", 1, "dns.resolvers[0]",
                        "write an IPv6 address in brackets: [::1] or [::1]:port"),
                refused("dns: { resolvers: [ \"2001:db8::53:53\" ] }\n", 1, "dns.resolvers[0]",
                        "write an IPv6 address in brackets"),
                refused("dns: { resolvers: [ \"[127.0.0.1]:53\" ] }\n", 1, "dns.resolvers[0]",
                        "brackets are for IPv6 addresses only"),
                refused("dns: { resolvers: [ \"[127.0.0.1]\" ] }\n", 1, "dns.resolvers[0]",
                        "brackets are for IPv6 addresses only"),
                refused("dns: { resolvers: [ \"127.0.0.1:0\" ] }\n", 1, "dns.resolvers[0]",
                        "port must be between 1 and 65535"),
                refused("dns: { resolvers: [ \"127.0.0.1:\" ] }\n", 1, "dns.resolvers[0]", "not a port"),
                refused("""
                        dns:
                          resolvers:
                            - 127.0.0.53
                            - 127.0.0.53:53
                        """, 4, "dns.resolvers[1]", "127.0.0.53:53 listed twice (first at dns.resolvers[0])"),
                refused("dns: { resolvers: 127.0.0.53 }\n", 1, "dns.resolvers", "expected a list, got a string"),
                // queue: at least one retry; delay_notice shorter than max_lifetime, each written or by default.
                refused("queue: { retry: [] }\n", 1, "queue.retry", "at least one retry interval is needed"),
                refused("""
                        queue:
                          max_lifetime: 2d
                          delay_notice: 2d
                        """, 3, "queue.delay_notice", "must be shorter than max_lifetime (2d)"),
                refused("""
                        queue:
                          delay_notice: 6d
                        """, 2, "queue.delay_notice", "must be shorter than max_lifetime (5d)"),
                refused("""
                        queue:
                          max_lifetime: 2h
                        """, 2, "queue", "max_lifetime (2h) is not longer than the default delay_notice (4h);"
                        + " set delay_notice too"),
                // A wrong max_lifetime is reported alone, not again against delay_notice.
                refused("""
                        queue:
                          max_lifetime: 0d
                          delay_notice: 6d
                        """, 2, "queue.max_lifetime", "must be positive"),
                // queue: the Received count that marks a loop, and the active window, are bounded below.
                refused("queue: { max_received_headers: 9 }\n", 1, "queue.max_received_headers",
                        "must be at least 10 (RFC 5321 6.3"),
                refused("queue: { max_received_headers: 100s }\n", 1, "queue.max_received_headers",
                        "expected an integer, got a string"),
                refused("queue: { active_limit: 0 }\n", 1, "queue.active_limit", "must be at least 1"),
                refused("queue:\n  retry: [ 1m ]\n  active_limit: many\n", 3, "queue.active_limit",
                        "expected an integer, got a string"),
                // queue: the reports for untrusted senders are one of three words.
                refused("queue: { reports_for_untrusted: all }\n", 1, "queue.reports_for_untrusted",
                        "expected none, headers or full, got all"),
                refused("queue: { reports_for_untrusted: [ full ] }\n", 1, "queue.reports_for_untrusted",
                        "expected a string"),
                // relay: a smarthost is needed; its tls is one of the four policies.
                refused("""
                        relay:
                          tls: verify
                        """, 2, "relay.smarthost", "missing key"),
                refused("relay:\n", 1, "relay", "expected a mapping, got nothing"),
                refused("""
                        relay:
                          smarthost: smtp.example.net:587
                          tls: mandatory
                        """, 3, "relay.tls", "expected none, may, encrypt or verify, got mandatory"),
                refused("""
                        relay:
                          smarthost: smtp.example.net:587
                          tls: true
                        """, 3, "relay.tls", "expected a string, got a boolean"),
                // routes: for a valid remote domain, listed once, whatever its case.
                refused("""
                        routes:
                          example..net: mx
                        """, 2, "routes.example..net", "not a valid domain name"),
                refused("""
                        routes:
                          example.net: mx
                          Example.NET: "192.0.2.25:25"
                        """, 3, "routes.Example.NET", "domain listed twice (first at line 2)"),
                refused("""
                        routes:
                          LOCALHOST: "127.0.0.1:25"
                        """, 2, "routes.LOCALHOST", "localhost is a local domain"),
                refused("""
                        domains:
                          example.org: { mailboxes: "*", delivery: { maildir: mail } }
                        routes:
                          example.net: mx
                          example.org: "lmtp:127.0.0.1:24"
                        """, 5, "routes.example.org", "example.org is a local domain"),
                refused("routes: { example.net: 25 }\n", 1, "routes.example.net",
                        "expected mx, host:port, lmtp:host:port or lmtp:unix:/path"),
                refused("routes: [ example.net ]\n", 1, "routes", "expected a mapping, got a list"),
                // outbound: a port in range, tls one of the policies for every host, tls_policy one for one domain.
                refused("outbound: { port: 0 }\n", 1, "outbound.port", "port must be between 1 and 65535"),
                refused("outbound: { port: 65536 }\n", 1, "outbound.port", "port must be between 1 and 65535"),
                refused("""
                        outbound:
                          port: 25
                          tls: opportunistic
                        """, 3, "outbound.tls", "expected none, may, encrypt, verify or dane, got opportunistic"),
                refused("outbound:\n  tls_policy: { example.net: secure }\n", 2, "outbound.tls_policy.example.net",
                        "expected none, may, encrypt, verify, dane or dane-only, got secure"));
    }

    @RefusalTable
    void mistakesInDnsQueueRelayRoutesAndOutbound(Refusal refusal) {
        refusal.check(dir);
    }

    @Test
    void aDnssecTrustAnchorFileIsReadAndChecked() throws Exception {
        Files.writeString(dir.resolve("anchors.zone"),
                "; the IANA root KSK-2017\n. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n");
        Config config = load(dir, "dns: { dnssec_trust_anchor: anchors.zone }\n");
        assertThat(config.dns().dnssecTrustAnchor()).contains(dir.resolve("anchors.zone"));
        assertThat(load(dir, "outbound: { tls: dane }\n").outbound().tls()).isEqualTo(TlsPolicy.DANE);
    }

    @Test
    void aDnssecTrustAnchorFileMustExistAndHoldAnAnchor() throws Exception {
        onlyProblem(dir, "dns: { dnssec_trust_anchor: missing.zone }\n", 1, "dns.dnssec_trust_anchor",
                "no such file: " + dir.resolve("missing.zone"));
        Files.writeString(dir.resolve("empty.zone"), "; nothing\nexample.net. 300 IN A 192.0.2.1\n");
        onlyProblem(dir, "dns: { dnssec_trust_anchor: empty.zone }\n", 1, "dns.dnssec_trust_anchor",
                "no DS or DNSKEY record in " + dir.resolve("empty.zone"));
        Files.writeString(dir.resolve("broken.zone"), ". IN DS not-a-key-tag\n");
        assertThat(problems(dir, "dns: { dnssec_trust_anchor: broken.zone }\n")).singleElement()
                .satisfies(p -> assertThat(p.reason()).startsWith("cannot read " + dir.resolve("broken.zone")));
    }

    @Test
    void resolversMustBeIpAddresses() {
        List<Problem> problems = problems(dir, """
                dns:
                  resolvers:
                    - 127.0.0.53
                    - dns.example.net
                    - dns.example.net:53
                    - 192.0.2.300:53
                    - "[2001:db8::53]:5353"
                """);
        assertThat(problems).extracting(Problem::line, Problem::key).containsExactly(
                tuple(4, "dns.resolvers[1]"), tuple(5, "dns.resolvers[2]"), tuple(6, "dns.resolvers[3]"));
        assertThat(problems).extracting(Problem::reason).allMatch(reason -> reason.contains("not an IP address"));
        assertThat(problems.get(1).reason()).contains("host names are not allowed here");
    }

    @Test
    void everyRetryIntervalIsADuration() {
        List<Problem> problems = problems(dir, """
                queue:
                  retry:
                    - 1m
                    - 5
                    - 15m
                    - 0s
                """);
        assertThat(problems).extracting(Problem::line, Problem::key).containsExactly(
                tuple(4, "queue.retry[1]"), tuple(6, "queue.retry[3]"));
        assertThat(problems.get(0).reason()).contains("expected a duration");
        assertThat(problems.get(1).reason()).contains("must be positive");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            smtp.example.net       | expected host:port
            smtp.example.net:      | not a port
            smtp.example.net:70000 | port must be between 1 and 65535
            smtp_1.example.net:587 | not an IP address or host name
            2001:db8::25:587       | write an IPv6 address in brackets
            192.0.2.256:587        | not an IP address
            """)
    void aSmarthostIsHostColonPort(String smarthost, String reason) {
        onlyProblem(dir, """
                relay:
                  smarthost: "%s"
                """.formatted(smarthost), 2, "relay.smarthost", reason);
    }

    @Test
    void relayTlsRequiredIsEncrypt() throws Exception {
        Config config = load(dir, """
                relay:
                  smarthost: smtp.example.net:587
                  tls: required
                """);
        assertThat(config.relay().orElseThrow().tls()).isEqualTo(TlsPolicy.ENCRYPT);
    }

    @ParameterizedTest(name = "tls: {0}")
    @ValueSource(strings = {"none", "may"})
    void authCredentialsNeedTlsEncryptOrVerify(String clear) {
        ConfigFiles.secret(dir.resolve("password"), "secret\n");
        onlyProblem(dir, """
                relay:
                  smarthost: smtp.example.net:25
                  tls: %s
                  auth: { user: posthorn, password_file: password }
                """.formatted(clear), 3, "relay.tls", "AUTH credentials need tls: encrypt or verify");
    }

    @Test
    void authNeedsAUserAndAPasswordFile() throws Exception {
        ConfigFiles.secret(dir.resolve("password"), "secret\n");
        onlyProblem(dir, """
                relay:
                  smarthost: smtp.example.net:587
                  auth:
                    user: posthorn
                """, 4, "relay.auth.password_file", "missing key");
        onlyProblem(dir, """
                relay:
                  smarthost: smtp.example.net:587
                  auth:
                    user: ""
                    password_file: password
                """, 4, "relay.auth.user", "empty user name");
        onlyProblem(dir, """
                relay:
                  smarthost: smtp.example.net:587
                  auth:
                    user: "post\\u0000horn"
                    password_file: password
                """, 4, "relay.auth.user", "control character");
    }

    @Test
    void thePasswordFileMustExist() throws Exception {
        Files.createDirectories(dir.resolve("secrets"));
        onlyProblem(dir, """
                relay:
                  smarthost: smtp.example.net:587
                  auth: { user: posthorn, password_file: secrets/relay.txt }
                """, 3, "relay.auth.password_file", "no such file: " + dir.resolve("secrets/relay.txt"));
        onlyProblem(dir, """
                relay:
                  smarthost: smtp.example.net:587
                  auth: { user: posthorn, password_file: secrets }
                """, 3, "relay.auth.password_file", "not a file: " + dir.resolve("secrets"));
    }

    @Test
    void aPasswordFileEveryoneMayReadIsAWarningNotAProblem() throws Exception {
        Path password = ConfigFiles.secret(dir.resolve("password"), "secret\n");
        assumeThat(Files.getFileAttributeView(password, PosixFileAttributeView.class)).isNotNull();
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-r--r--"));

        List<ILoggingEvent> warnings = ConfigFiles.warningsOfLoading(dir, RELAY_WITH_AUTH);

        assertThat(warnings).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN);
        assertThat(warnings.getFirst().getFormattedMessage()).isEqualTo(dir.resolve(ConfigFiles.NAME)
                + ":3:42: relay.auth.password_file: readable by every user of this host; chmod o-r " + password);
        assertThat(load(dir, RELAY_WITH_AUTH).relay().orElseThrow().auth())
                .contains(new Relay.Auth("posthorn", password));
    }

    @Test
    void aPasswordFileOnlyItsOwnerMayReadLoadsWithoutAWarning() throws Exception {
        ConfigFiles.secret(dir.resolve("password"), "secret\n");

        assertThat(ConfigFiles.warningsOfLoading(dir, RELAY_WITH_AUTH)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            MX                       | expected mx, host:port, lmtp:host:port or lmtp:unix:/path
            mail.example.net         | expected mx, host:port, lmtp:host:port or lmtp:unix:/path
            smtp:mail.example.net:25 | expected mx, host:port, lmtp:host:port or lmtp:unix:/path
            2001:db8::25:25          | expected mx, host:port, lmtp:host:port or lmtp:unix:/path
            mail.example.net:0       | port must be between 1 and 65535
            lmtp:unix:lmtp.sock      | must be absolute
            lmtp:127.0.0.1           | expected host:port or unix:/path
            lmtp:[127.0.0.1]:24      | brackets are for IPv6
            """)
    void aRouteIsMxHostPortOrLmtp(String route, String reason) {
        onlyProblem(dir, """
                routes:
                  example.net: "%s"
                """.formatted(route), 2, "routes.example.net", reason);
    }

    @Test
    void perDomainTlsPoliciesLoadByLowerCaseDomain() throws Exception {
        Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        Config config = load(dir, """
                outbound:
                  tls_policy: { Example.NET: verify, bank.test: dane, lab.test: none, gov.test: dane-only }
                  ca_file: ca.pem
                  mta_sts: false
                  mta_sts_cache: state/sts
                """);
        assertThat(config.outbound().tlsPolicy()).containsExactly(Map.entry("example.net", TlsPolicy.VERIFY),
                Map.entry("bank.test", TlsPolicy.DANE), Map.entry("lab.test", TlsPolicy.NONE),
                Map.entry("gov.test", TlsPolicy.DANE_ONLY));
        assertThat(config.outbound().caFile()).contains(dir.resolve("ca.pem"));
        assertThat(config.outbound().mtaSts()).isFalse();
        assertThat(config.outbound().mtaStsCacheIn(config.spool())).isEqualTo(dir.resolve("state/sts"));
    }

    @Test
    void mtaStsIsOnByDefaultWithItsCacheInTheSpool() throws Exception {
        Config config = load(dir, "spool: queue\n");
        assertThat(config.outbound().mtaSts()).isTrue();
        assertThat(config.outbound().mtaStsCacheIn(config.spool())).isEqualTo(dir.resolve("queue/state/mta-sts"));
    }

    @Test
    void theBindAddressIsAnIpLiteralAndNoneByDefault() throws Exception {
        assertThat(load(dir, "spool: queue\n").outbound().bindAddress()).isEmpty();
        assertThat(load(dir, "outbound: { bind_address: 192.0.2.25 }\n").outbound().bindAddress())
                .contains(java.net.InetAddress.getByName("192.0.2.25"));
        assertThat(load(dir, "outbound: { bind_address: \"2001:db8::25\" }\n").outbound().bindAddress())
                .contains(java.net.InetAddress.getByName("2001:db8::25"));
        onlyProblem(dir, """
                outbound:
                  port: 25
                  bind_address: mail.example.net
                """, 3, "outbound.bind_address", "host names are not allowed here");
    }

    @Test
    void daneIsADefaultButDaneOnlyIsOnlyForSingleDomains() throws Exception {
        assertThat(load(dir, "outbound: { tls: dane }\n").outbound().tls()).isEqualTo(TlsPolicy.DANE);
        assertThat(new Outbound(25, TlsPolicy.DANE).tls()).isEqualTo(TlsPolicy.DANE);
        onlyProblem(dir, "outbound: { tls: dane-only }\n", 1, "outbound.tls",
                "dane-only is set for single domains, in outbound.tls_policy (dane is the default that "
                        + "authenticates where TLSA records are published)");
        assertThatIllegalArgumentException().isThrownBy(() -> new Outbound(25, TlsPolicy.DANE_ONLY));
    }

    @Test
    void daneIsNeverTheSmarthostsLevel() {
        onlyProblem(dir, "relay: { smarthost: \"192.0.2.25:25\", tls: dane }\n", 1, "relay.tls",
                "dane applies to MX hosts, not to a smarthost; use verify");
        onlyProblem(dir, "relay: { smarthost: \"192.0.2.25:25\", tls: dane-only }\n", 1, "relay.tls",
                "dane-only applies to MX hosts, not to a smarthost; use verify");
        assertThatIllegalArgumentException().isThrownBy(() -> new Relay(new HostPort("192.0.2.25", 25),
                TlsPolicy.DANE, Optional.empty()));
    }

    @Test
    void tlsPolicyKeysAreRemoteDomainsListedOnce() {
        List<Problem> problems = problems(dir, """
                domains:
                  local.test: { mailboxes: "*", delivery: { discard: true } }
                outbound:
                  tls_policy:
                    local.test: verify
                    "not a domain": may
                    a.test: may
                    A.test: none
                """);
        assertThat(problems).extracting(Problem::line, Problem::reason).containsExactly(
                tuple(5, "local.test is a local domain: its mail is not sent over SMTP"),
                tuple(6, "not a valid domain name"),
                tuple(8, "domain listed twice (first at line 7)"));
    }

    @Test
    void theCaFileMustExistAndMtaStsIsABoolean() {
        onlyProblem(dir, "outbound: { ca_file: missing.pem }\n", 1, "outbound.ca_file",
                "no such file: " + dir.resolve("missing.pem"));
        onlyProblem(dir, "outbound: { mta_sts: yes }\n", 1, "outbound.mta_sts", "expected true or false");
    }

    @Test
    void unknownKeysInTheOutboundSectionsAreReportedWithTheirPath() {
        List<Problem> problems = problems(dir, """
                dns: { resolver: [ 127.0.0.53 ] }
                queue: { retries: [ 1m ] }
                relay:
                  smarthost: smtp.example.net:587
                  auth: { user: posthorn, password: secret }
                outbound: { tls_policies: may }
                """);
        assertThat(problems).extracting(Problem::line, Problem::key).containsExactly(
                tuple(1, "dns.resolver"), tuple(2, "queue.retries"), tuple(5, "relay.auth.password_file"),
                tuple(5, "relay.auth.password"), tuple(6, "outbound.tls_policies"));
        assertThat(problems.getFirst().reason())
                .isEqualTo("unknown key (expected resolvers, timeout, dnssec_trust_anchor)");
        assertThat(problems.get(2).reason()).isEqualTo("missing key");
        assertThat(problems.get(3).reason()).isEqualTo("unknown key (expected user, password_file)");
    }

    @Test
    void theRecordsGuardTheSameRulesForConfigurationsBuiltInCode() {
        HostPort smarthost = new HostPort("smtp.example.net", 587);
        Relay.Auth auth = new Relay.Auth("posthorn", dir.resolve("password"));
        assertThatIllegalArgumentException().isThrownBy(() -> new Relay(smarthost, TlsPolicy.MAY, Optional.of(auth)))
                .withMessage("AUTH credentials need tls: encrypt or verify");
        assertThat(new Relay(smarthost, TlsPolicy.MAY, Optional.empty()).tls()).isEqualTo(TlsPolicy.MAY);
        assertThatIllegalArgumentException().isThrownBy(() -> new Relay.Auth("", dir.resolve("password")));

        List<Duration> retry = List.of(Duration.ofMinutes(1));
        assertThatIllegalArgumentException().isThrownBy(() -> new Queue(List.of(), Duration.ofDays(5),
                Duration.ofHours(4), 100, 1)).withMessageContaining("at least one");
        assertThatIllegalArgumentException().isThrownBy(() -> new Queue(retry, Duration.ofHours(4),
                Duration.ofHours(4), 100, 1)).withMessageContaining("delay_notice must be shorter");
        assertThatIllegalArgumentException().isThrownBy(() -> new Queue(List.of(Duration.ZERO), Duration.ofDays(5),
                Duration.ofHours(4), 100, 1)).withMessageContaining("must be positive");
        assertThatIllegalArgumentException().isThrownBy(() -> new Queue(retry, Duration.ofDays(5),
                Duration.ofHours(4), 9, 1)).withMessageContaining("at least 10");
        assertThatIllegalArgumentException().isThrownBy(() -> new Queue(retry, Duration.ofDays(5),
                Duration.ofHours(4), 100, 0)).withMessageContaining("active_limit must be at least 1");
        assertThatNullPointerException().isThrownBy(() -> new Queue(retry, Duration.ofDays(5),
                Duration.ofHours(4), 100, 1, null)).withMessageContaining("reports_for_untrusted");
        assertThatIllegalArgumentException().isThrownBy(() -> new Dns(List.of(), Duration.ofNanos(1500)))
                .withMessageContaining("whole number of milliseconds");
        assertThatIllegalArgumentException().isThrownBy(() -> new Outbound(0, TlsPolicy.MAY));

        Config defaults = Config.defaults(dir);
        assertThatIllegalArgumentException().isThrownBy(() -> withRoutes(defaults,
                Map.of("localhost", new RouteTarget.Mx()))).withMessageContaining("localhost is a local domain");
        assertThatIllegalArgumentException().isThrownBy(() -> withRoutes(defaults,
                Map.of("Example.NET", new RouteTarget.Mx()))).withMessageContaining("lower case");
        assertThat(withRoutes(defaults, Map.of("example.net", new RouteTarget.Mx())).routes())
                .containsOnlyKeys("example.net");
    }

    private static Config withRoutes(Config c, Map<String, RouteTarget> routes) {
        return new Config(c.hostname(), c.spool(), c.listeners(), c.tls(), c.trustedNetworks(), c.limits(),
                c.domains(), c.usersFile(), c.dns(), c.queue(), c.relay(), routes, c.outbound(),
                c.dkim(), c.checks(), c.tarpit(), c.dnsbl(), c.senders(), c.admin(), c.log(), c.dmarcReports(),
                c.tlsReports());
    }
}
