package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.load;
import static dev.posthorn.mta.config.ConfigFiles.onlyProblem;
import static dev.posthorn.mta.config.ConfigFiles.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.assertj.core.groups.Tuple.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    @Test
    void aDurationIsAnIntegerAndOneUnit() {
        for (String bad : List.of("10", "1.5s", "10 s", "1h30m", "10sec", "s", "PT10S", "\"\"")) {
            onlyProblem(dir, "dns: { timeout: " + bad + " }\n", 1, "dns.timeout",
                    "expected a duration, an integer and a unit (ms, s, m, h or d)");
        }
    }

    @Test
    void aDurationMustBePositive() {
        onlyProblem(dir, "dns: { timeout: 0s }\n", 1, "dns.timeout", "must be positive, got 0s");
        onlyProblem(dir, "dns: { timeout: -5s }\n", 1, "dns.timeout", "must be positive, got -5s");
    }

    @Test
    void aDurationTooLongForJavaIsRefused() {
        onlyProblem(dir, "queue: { max_lifetime: 99999999999999999999d }\n", 1, "queue.max_lifetime",
                "duration too long");
        onlyProblem(dir, "queue: { max_lifetime: 9999999999999999d }\n", 1, "queue.max_lifetime",
                "duration too long");
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
    void aDurationMustBeAString() {
        onlyProblem(dir, "dns: { timeout: [ 10s ] }\n", 1, "dns.timeout", "expected a string, got a list");
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
    void anIpv6ResolverIsWrittenInBrackets() {
        onlyProblem(dir, "dns: { resolvers: [ \"::1\" ] }\n", 1, "dns.resolvers[0]",
                "write an IPv6 address in brackets: [::1] or [::1]:port");
        onlyProblem(dir, "dns: { resolvers: [ \"2001:db8::53:53\" ] }\n", 1, "dns.resolvers[0]",
                "write an IPv6 address in brackets");
        onlyProblem(dir, "dns: { resolvers: [ \"[127.0.0.1]:53\" ] }\n", 1, "dns.resolvers[0]",
                "brackets are for IPv6 addresses only");
        onlyProblem(dir, "dns: { resolvers: [ \"[127.0.0.1]\" ] }\n", 1, "dns.resolvers[0]",
                "brackets are for IPv6 addresses only");
    }

    @Test
    void aResolverPortMustBeInRange() {
        onlyProblem(dir, "dns: { resolvers: [ \"127.0.0.1:0\" ] }\n", 1, "dns.resolvers[0]",
                "port must be between 1 and 65535");
        onlyProblem(dir, "dns: { resolvers: [ \"127.0.0.1:\" ] }\n", 1, "dns.resolvers[0]", "not a port");
    }

    @Test
    void aResolverListedTwiceIsRefused() {
        onlyProblem(dir, """
                dns:
                  resolvers:
                    - 127.0.0.53
                    - 127.0.0.53:53
                """, 4, "dns.resolvers[1]", "127.0.0.53:53 listed twice (first at dns.resolvers[0])");
    }

    @Test
    void resolversMustBeAList() {
        onlyProblem(dir, "dns: { resolvers: 127.0.0.53 }\n", 1, "dns.resolvers", "expected a list, got a string");
    }

    @Test
    void retryNeedsAtLeastOneInterval() {
        onlyProblem(dir, "queue: { retry: [] }\n", 1, "queue.retry", "at least one retry interval is needed");
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

    @Test
    void delayNoticeMustBeShorterThanMaxLifetime() {
        onlyProblem(dir, """
                queue:
                  max_lifetime: 2d
                  delay_notice: 2d
                """, 3, "queue.delay_notice", "must be shorter than max_lifetime (2d)");
        onlyProblem(dir, """
                queue:
                  delay_notice: 6d
                """, 2, "queue.delay_notice", "must be shorter than max_lifetime (5d)");
        onlyProblem(dir, """
                queue:
                  max_lifetime: 2h
                """, 2, "queue", "max_lifetime (2h) is not longer than the default delay_notice (4h);"
                + " set delay_notice too");
    }

    @Test
    void aWrongMaxLifetimeIsReportedAloneNotAgainstDelayNotice() {
        onlyProblem(dir, """
                queue:
                  max_lifetime: 0d
                  delay_notice: 6d
                """, 2, "queue.max_lifetime", "must be positive");
    }

    @Test
    void maxReceivedHeadersBelowTenIsRefused() {
        onlyProblem(dir, "queue: { max_received_headers: 9 }\n", 1, "queue.max_received_headers",
                "must be at least 10 (RFC 5321 6.3");
        onlyProblem(dir, "queue: { max_received_headers: 100s }\n", 1, "queue.max_received_headers",
                "expected an integer, got a string");
    }

    @Test
    void activeLimitMustBePositive() {
        onlyProblem(dir, "queue: { active_limit: 0 }\n", 1, "queue.active_limit", "must be at least 1");
        onlyProblem(dir, "queue:\n  retry: [ 1m ]\n  active_limit: many\n", 3, "queue.active_limit",
                "expected an integer, got a string");
    }

    @Test
    void aRelayNeedsASmarthost() {
        onlyProblem(dir, """
                relay:
                  tls: verify
                """, 2, "relay.smarthost", "missing key");
        onlyProblem(dir, "relay:\n", 1, "relay", "expected a mapping, got nothing");
    }

    @Test
    void aSmarthostIsHostColonPort() {
        String template = """
                relay:
                  smarthost: "%s"
                """;
        onlyProblem(dir, template.formatted("smtp.example.net"), 2, "relay.smarthost", "expected host:port");
        onlyProblem(dir, template.formatted("smtp.example.net:"), 2, "relay.smarthost", "not a port");
        onlyProblem(dir, template.formatted("smtp.example.net:70000"), 2, "relay.smarthost",
                "port must be between 1 and 65535");
        onlyProblem(dir, template.formatted("smtp_1.example.net:587"), 2, "relay.smarthost",
                "not an IP address or host name");
        onlyProblem(dir, template.formatted("2001:db8::25:587"), 2, "relay.smarthost",
                "write an IPv6 address in brackets");
        onlyProblem(dir, template.formatted("192.0.2.256:587"), 2, "relay.smarthost", "not an IP address");
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

    @Test
    void relayTlsIsOneOfTheFourPolicies() {
        onlyProblem(dir, """
                relay:
                  smarthost: smtp.example.net:587
                  tls: mandatory
                """, 3, "relay.tls", "expected none, may, encrypt or verify, got mandatory");
        onlyProblem(dir, """
                relay:
                  smarthost: smtp.example.net:587
                  tls: true
                """, 3, "relay.tls", "expected a string, got a boolean");
    }

    @Test
    void authCredentialsNeedTlsEncryptOrVerify() throws Exception {
        ConfigFiles.secret(dir.resolve("password"), "secret\n");
        for (String clear : List.of("none", "may")) {
            onlyProblem(dir, """
                    relay:
                      smarthost: smtp.example.net:25
                      tls: %s
                      auth: { user: posthorn, password_file: password }
                    """.formatted(clear), 3, "relay.tls", "AUTH credentials need tls: encrypt or verify");
        }
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

        List<ILoggingEvent> warnings = warningsOfLoading(RELAY_WITH_AUTH);

        assertThat(warnings).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN);
        assertThat(warnings.getFirst().getFormattedMessage()).isEqualTo(dir.resolve(ConfigFiles.NAME)
                + ":3:42: relay.auth.password_file: readable by every user of this host; chmod o-r " + password);
        assertThat(load(dir, RELAY_WITH_AUTH).relay().orElseThrow().auth())
                .contains(new Relay.Auth("posthorn", password));
    }

    @Test
    void aPasswordFileOnlyItsOwnerMayReadLoadsWithoutAWarning() throws Exception {
        ConfigFiles.secret(dir.resolve("password"), "secret\n");

        assertThat(warningsOfLoading(RELAY_WITH_AUTH)).isEmpty();
    }

    /** What the loader logs while it loads {@code yaml}, which must be valid. */
    private List<ILoggingEvent> warningsOfLoading(String yaml) throws ConfigException {
        Logger log = (Logger) LoggerFactory.getLogger(ConfigLoader.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            load(dir, yaml);
        } finally {
            log.detachAppender(appender);
        }
        return appender.list;
    }

    @Test
    void aRouteIsForAValidDomainListedOnce() {
        onlyProblem(dir, """
                routes:
                  example..net: mx
                """, 2, "routes.example..net", "not a valid domain name");
        onlyProblem(dir, """
                routes:
                  example.net: mx
                  Example.NET: "192.0.2.25:25"
                """, 3, "routes.Example.NET", "domain listed twice (first at line 2)");
    }

    @Test
    void aRouteForALocalDomainIsRefused() {
        onlyProblem(dir, """
                routes:
                  LOCALHOST: "127.0.0.1:25"
                """, 2, "routes.LOCALHOST", "localhost is a local domain");
        onlyProblem(dir, """
                domains:
                  example.org: { mailboxes: "*", delivery: { maildir: mail } }
                routes:
                  example.net: mx
                  example.org: "lmtp:127.0.0.1:24"
                """, 5, "routes.example.org", "example.org is a local domain");
    }

    @Test
    void aRouteIsMxHostPortOrLmtp() {
        String template = """
                routes:
                  example.net: "%s"
                """;
        String key = "routes.example.net";
        String expected = "expected mx, host:port, lmtp:host:port or lmtp:unix:/path";
        onlyProblem(dir, template.formatted("MX"), 2, key, expected);
        onlyProblem(dir, template.formatted("mail.example.net"), 2, key, expected);
        onlyProblem(dir, template.formatted("smtp:mail.example.net:25"), 2, key, expected);
        onlyProblem(dir, template.formatted("2001:db8::25:25"), 2, key, expected);
        onlyProblem(dir, template.formatted("mail.example.net:0"), 2, key, "port must be between 1 and 65535");
        onlyProblem(dir, template.formatted("lmtp:unix:lmtp.sock"), 2, key, "must be absolute");
        onlyProblem(dir, template.formatted("lmtp:127.0.0.1"), 2, key, "expected host:port or unix:/path");
        onlyProblem(dir, template.formatted("lmtp:[127.0.0.1]:24"), 2, key, "brackets are for IPv6");
        onlyProblem(dir, "routes: { example.net: 25 }\n", 1, key, expected);
        onlyProblem(dir, "routes: [ example.net ]\n", 1, "routes", "expected a mapping, got a list");
    }

    @Test
    void outboundPortMustBeInRange() {
        onlyProblem(dir, "outbound: { port: 0 }\n", 1, "outbound.port", "port must be between 1 and 65535");
        onlyProblem(dir, "outbound: { port: 65536 }\n", 1, "outbound.port", "port must be between 1 and 65535");
    }

    @Test
    void outboundTlsIsOneOfTheFourPolicies() {
        onlyProblem(dir, """
                outbound:
                  port: 25
                  tls: opportunistic
                """, 3, "outbound.tls", "expected none, may, encrypt, verify or dane, got opportunistic");
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
    void aPerDomainTlsPolicyIsOneOfTheSixLevels() {
        onlyProblem(dir, "outbound:\n  tls_policy: { example.net: secure }\n", 2, "outbound.tls_policy.example.net",
                "expected none, may, encrypt, verify, dane or dane-only, got secure");
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
                c.dkim(), c.checks(), c.tarpit(), c.dnsbl(), c.senders());
    }
}
