package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.ip;
import static dev.posthorn.mta.config.ConfigFiles.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

import dev.posthorn.mta.bounce.UntrustedReports;
import dev.posthorn.mta.config.Listener.Role;
import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.mta.routing.LmtpTarget;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.routing.RouteTarget;
import dev.posthorn.mta.tls.TlsPolicy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a valid file loads to: the example from the documentation, defaults for missing keys, paths. */
class ConfigLoaderTest {

    static final String EXAMPLE = """
            hostname: mx.example.org
            spool: var/spool
            listeners:
              - { address: 127.0.0.1, port: 2525, role: mx }
              - { address: 127.0.0.1, port: 2587, role: submission }
              - { address: 127.0.0.1, port: 2465, role: submissions }
            tls: { cert: tls/cert.pem, key: tls/key.pem }        # absent: self-signed, generated once
            trusted_networks: [ 127.0.0.0/8 ]
            limits: { max_message_size: 26214400, max_recipients: 100 }
            domains:
              example.org:
                mailboxes: [ alice, bob ]
                aliases: { postmaster: alice, team: [ alice, bob, carol@elsewhere.test ] }
                delivery: { maildir: var/mail/example.org }      # or { lmtp: 127.0.0.1:24 } or { lmtp: unix:/path }
            """;

    /** The outbound keys of the documentation, every optional one set. */
    static final String OUTBOUND_EXAMPLE = """
            dns: { resolvers: [ "127.0.0.53:53", 192.0.2.53, "[2001:db8::53]" ], timeout: 10s }
            queue: { retry: [ 1m, 5m, 15m ], max_lifetime: 5d, delay_notice: 4h, max_received_headers: 100,
                     active_limit: 500, reports_for_untrusted: headers }
            relay:
              smarthost: "Smtp.Example.NET:587"
              tls: verify
              auth: { user: posthorn, password_file: relay-password.txt }
            routes:
              Example.NET: "mail.example.net:2525"
              b.example: "[2001:db8::25]:25"
              c.example: "lmtp:127.0.0.1:24"
              d.example: "lmtp:unix:/run/dovecot/lmtp"
              e.example: mx
            outbound: { port: 2525, tls: encrypt }
            """;

    @TempDir
    Path dir;

    @Test
    void theExampleFileLoadsToTheExpectedRecords() throws Exception {
        ConfigFiles.tlsPair(dir);
        Config config = load(dir, EXAMPLE);

        LocalDomain exampleOrg = new LocalDomain("example.org", new Mailboxes.Listed(Set.of("alice", "bob")),
                Map.of("postmaster", List.of("alice"), "team", List.of("alice", "bob", "carol@elsewhere.test")),
                Optional.empty(), true, new LocalDelivery.Maildir(dir.resolve("var/mail/example.org")));
        Config defaults = Config.defaults(dir);
        Config expected = new Config("mx.example.org", dir.resolve("var/spool"),
                List.of(new Listener(ip("127.0.0.1"), 2525, Role.MX),
                        new Listener(ip("127.0.0.1"), 2587, Role.SUBMISSION),
                        new Listener(ip("127.0.0.1"), 2465, Role.SUBMISSIONS)),
                Optional.of(new TlsFiles(dir.resolve("tls/cert.pem"), dir.resolve("tls/key.pem"))),
                List.of(Network.parse("127.0.0.0/8")),
                new Limits(26_214_400, 100, 1000, 50, 104_857_600),
                Map.of("example.org", exampleOrg), Optional.of(dir.resolve("var/spool/users")), defaults.dns(), defaults.queue(),
                Optional.empty(), Map.of(), defaults.outbound(), defaults.dkim(), defaults.checks(),
                defaults.tarpit(), defaults.dnsbl(), defaults.senders(), defaults.admin(), defaults.log(),
                defaults.dmarcReports(), defaults.tlsReports());
        assertThat(config).isEqualTo(expected);
        assertThat(config.domains().get("example.org").aliases()).containsOnlyKeys("postmaster", "team");
    }

    @Test
    void theOutboundExampleLoadsToTheExpectedRecords() throws Exception {
        ConfigFiles.secret(dir.resolve("relay-password.txt"), "secret\n");

        Config config = load(dir, OUTBOUND_EXAMPLE);

        assertThat(config.dns()).isEqualTo(new Dns(List.of(new InetSocketAddress(ip("127.0.0.53"), 53),
                new InetSocketAddress(ip("192.0.2.53"), 53), new InetSocketAddress(ip("2001:db8::53"), 53)),
                Duration.ofSeconds(10)));
        assertThat(config.queue()).isEqualTo(new Queue(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofMinutes(15)), Duration.ofDays(5), Duration.ofHours(4), 100, 500, UntrustedReports.HEADERS));
        assertThat(config.relay()).contains(new Relay(new HostPort("smtp.example.net", 587), TlsPolicy.VERIFY,
                Optional.of(new Relay.Auth("posthorn", dir.resolve("relay-password.txt")))));
        assertThat(config.routes()).containsExactly(
                entry("example.net", new RouteTarget.Smtp(new HostPort("mail.example.net", 2525))),
                entry("b.example", new RouteTarget.Smtp(new HostPort("2001:db8::25", 25))),
                entry("c.example", new RouteTarget.Lmtp(new LmtpTarget.Tcp("127.0.0.1", 24))),
                entry("d.example", new RouteTarget.Lmtp(new LmtpTarget.Unix(Path.of("/run/dovecot/lmtp")))),
                entry("e.example", new RouteTarget.Mx()));
        assertThat(config.outbound()).isEqualTo(new Outbound(2525, TlsPolicy.ENCRYPT));
        assertThat(config.routes().values()).extracting(RouteTarget::toString).containsExactly(
                "mail.example.net:2525", "[2001:db8::25]:25", "lmtp:127.0.0.1:24", "lmtp:unix:/run/dovecot/lmtp", "mx");
    }

    @Test
    void missingOutboundKeysTakeTheirDefaults() throws Exception {
        Config config = load(dir, """
                dns: { timeout: 2s }
                queue: { max_lifetime: 3d }
                relay: { smarthost: "192.0.2.25:25" }
                outbound: { tls: none }
                """);

        Config defaults = Config.defaults(dir);
        assertThat(config.dns()).isEqualTo(new Dns(List.of(), Duration.ofSeconds(2)));
        assertThat(config.queue()).isEqualTo(new Queue(defaults.queue().retry(), Duration.ofDays(3),
                Duration.ofHours(4), 100, 10_000, UntrustedReports.NONE));
        assertThat(config.relay()).contains(new Relay(new HostPort("192.0.2.25", 25), TlsPolicy.ENCRYPT,
                Optional.empty()));
        assertThat(config.routes()).isEmpty();
        assertThat(config.outbound()).isEqualTo(new Outbound(25, TlsPolicy.NONE));
    }

    @Test
    void emptyOutboundSectionsTakeEveryDefault() throws Exception {
        Config config = load(dir, "dns: {}\nqueue: {}\nroutes: {}\noutbound: {}\n");

        assertThat(config).isEqualTo(Config.defaults(dir));
    }

    @Test
    void thePasswordFileIsResolvedAgainstTheFileFolder() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path password = ConfigFiles.secret(Files.createDirectories(dir.resolve("secrets")).resolve("relay"), "s\n");
        Path file = ConfigFiles.write(etc, """
                relay:
                  smarthost: "[2001:db8::587]:587"
                  auth: { user: "posthorn@example.org", password_file: ../secrets/relay }
                """);

        Relay relay = ConfigLoader.load(file).relay().orElseThrow();

        assertThat(relay.auth()).contains(new Relay.Auth("posthorn@example.org", password));
        assertThat(relay.smarthost()).hasToString("[2001:db8::587]:587");
    }

    @Test
    void theEmbeddedDefaultsAreTheDocumentedOnes() {
        Config defaults = Config.defaults(dir);

        assertThat(defaults.hostname()).isEqualTo("localhost");
        assertThat(defaults.spool()).isEqualTo(dir.resolve("var/spool"));
        assertThat(defaults.listeners()).containsExactly(
                new Listener(ip("127.0.0.1"), 2525, Role.MX),
                new Listener(ip("127.0.0.1"), 2587, Role.SUBMISSION),
                new Listener(ip("127.0.0.1"), 2465, Role.SUBMISSIONS));
        assertThat(defaults.tls()).isEmpty();
        assertThat(defaults.trustedNetworks()).containsExactly(Network.parse("127.0.0.0/8"), Network.parse("::1/128"));
        assertThat(defaults.limits()).isEqualTo(new Limits(26_214_400, 100, 1000, 50, 104_857_600));
        assertThat(defaults.domains()).containsOnlyKeys("localhost");
        LocalDomain localhost = defaults.domains().get("localhost");
        assertThat(localhost.mailboxes()).isEqualTo(new Mailboxes.Any());
        assertThat(localhost.mailboxes().contains("anyone")).isTrue();
        assertThat(localhost.plusAddressing()).isTrue();
        assertThat(localhost.delivery()).isEqualTo(new LocalDelivery.Maildir(dir.resolve("var/mail")));
        assertThat(((LocalDelivery.Maildir) localhost.delivery()).folderOf("user")).isEqualTo(dir.resolve("var/mail/user"));
        assertThat(defaults.dns()).isEqualTo(new Dns(List.of(), Duration.ofSeconds(10)));
        assertThat(defaults.queue()).isEqualTo(new Queue(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3)),
                Duration.ofDays(5), Duration.ofHours(4), 100, 10_000, UntrustedReports.NONE));
        assertThat(defaults.relay()).isEmpty();
        assertThat(defaults.routes()).isEmpty();
        assertThat(defaults.outbound()).isEqualTo(new Outbound(25, TlsPolicy.MAY));
    }

    @Test
    void defaultsWithoutAFileResolveAgainstTheWorkingFolder() {
        assertThat(Config.defaults().spool()).isEqualTo(Path.of("var/spool").toAbsolutePath());
    }

    @Test
    void anEmptyFileGivesTheDefaults() throws Exception {
        assertThat(load(dir, "")).isEqualTo(Config.defaults(dir));
        assertThat(load(dir, "# nothing set\n")).isEqualTo(Config.defaults(dir));
    }

    @Test
    void missingKeysTakeTheirDefaults() throws Exception {
        Config config = load(dir, """
                hostname: MX.Example.ORG
                limits: { max_recipients: 500 }
                """);

        Config defaults = Config.defaults(dir);
        assertThat(config.hostname()).isEqualTo("mx.example.org");
        assertThat(config.limits()).isEqualTo(new Limits(26_214_400, 500, 1000, 50, 104_857_600));
        assertThat(config.listeners()).isEqualTo(defaults.listeners());
        assertThat(config.domains()).isEqualTo(defaults.domains());
        assertThat(config.spool()).isEqualTo(defaults.spool());
    }

    @Test
    void listenersInTheFileReplaceTheDefaultList() throws Exception {
        Config config = load(dir, """
                listeners:
                  - { address: "::1", port: 25, role: mx }
                """);

        assertThat(config.listeners()).containsExactly(new Listener(ip("::1"), 25, Role.MX));
    }

    @Test
    void domainsInTheFileReplaceTheDefaultDomain() throws Exception {
        Config config = load(dir, """
                domains:
                  Example.NET:
                    mailboxes: [ Alice ]
                    catch_all: alice
                    plus_addressing: false
                    delivery: { lmtp: "[::1]:24" }
                """);

        assertThat(config.domains()).containsOnlyKeys("example.net");
        LocalDomain domain = config.domains().get("example.net");
        assertThat(domain.mailboxes()).isEqualTo(new Mailboxes.Listed(Set.of("alice")));
        assertThat(domain.catchAll()).contains("alice");
        assertThat(domain.plusAddressing()).isFalse();
        assertThat(domain.delivery()).isEqualTo(new LocalDelivery.Lmtp(new LmtpTarget.Tcp("::1", 24)));
    }

    @Test
    void relativePathsAreResolvedAgainstTheFileFolder() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc/posthorn"));
        Path file = ConfigFiles.write(etc, """
                spool: ../../var/spool
                tls: { cert: tls/cert.pem, key: %s }
                domains:
                  example.org:
                    mailboxes: "*"
                    delivery: { maildir: mail }
                """.formatted(dir.resolve("private/key.pem")));
        ConfigFiles.tlsPair(etc);
        Files.createDirectories(dir.resolve("private"));
        Files.move(etc.resolve("tls/key.pem"), dir.resolve("private/key.pem"));

        Config config = ConfigLoader.load(file);

        assertThat(config.spool()).isEqualTo(dir.resolve("var/spool"));
        assertThat(config.tls())
                .contains(new TlsFiles(etc.resolve("tls/cert.pem"), dir.resolve("private/key.pem")));
        assertThat(config.domains().get("example.org").delivery())
                .isEqualTo(new LocalDelivery.Maildir(etc.resolve("mail")));
    }

    @Test
    void lmtpTargetsTakeEveryDocumentedForm() throws Exception {
        Config config = load(dir, """
                domains:
                  a.example: { mailboxes: "*", delivery: { lmtp: 127.0.0.1:24 } }
                  b.example: { mailboxes: "*", delivery: { lmtp: "[2001:db8::1]:2424" } }
                  c.example: { mailboxes: "*", delivery: { lmtp: LMTP.example.org:24 } }
                  d.example: { mailboxes: "*", delivery: { lmtp: unix:/run/dovecot/lmtp } }
                """);

        assertThat(config.domains().values()).extracting(LocalDomain::delivery).containsExactly(
                new LocalDelivery.Lmtp(new LmtpTarget.Tcp("127.0.0.1", 24)),
                new LocalDelivery.Lmtp(new LmtpTarget.Tcp("2001:db8::1", 2424)),
                new LocalDelivery.Lmtp(new LmtpTarget.Tcp("lmtp.example.org", 24)),
                new LocalDelivery.Lmtp(new LmtpTarget.Unix(Path.of("/run/dovecot/lmtp"))));
        assertThat(config.domains().get("b.example").delivery().toString()).contains("[2001:db8::1]:2424");
    }

    @Test
    void aliasTargetsAreNormalized() throws Exception {
        Config config = load(dir, """
                domains:
                  example.org:
                    mailboxes: [ alice ]
                    aliases:
                      Postmaster: ALICE
                      abuse: [ Alice@Example.ORG, Bob@Elsewhere.TEST, alice+abuse ]
                    delivery: { maildir: mail }
                """);

        assertThat(config.domains().get("example.org").aliases()).isEqualTo(Map.of(
                "postmaster", List.of("alice"),
                "abuse", List.of("alice@example.org", "Bob@elsewhere.test", "alice+abuse")));
    }

    @Test
    void plusAddressingMapsATaggedLocalPartToItsUser() {
        LocalDomain on = Config.defaults(dir).domains().get("localhost");
        LocalDomain off = new LocalDomain("localhost", on.mailboxes(), on.aliases(), on.catchAll(), false,
                on.delivery());

        assertThat(on.baseLocalPart("user+tag")).isEqualTo("user");
        assertThat(on.baseLocalPart("+tag")).isEqualTo("+tag");
        assertThat(off.baseLocalPart("user+tag")).isEqualTo("user+tag");
    }

    @Test
    void aMaildirFolderNeverLeavesItsRoot() {
        LocalDelivery.Maildir maildir = new LocalDelivery.Maildir(dir.resolve("mail"));

        assertThat(maildir.folderOf("alice.smith")).isEqualTo(dir.resolve("mail/alice.smith"));
        for (String hostile : List.of("..", "../etc", "a/b", ".hidden", "a\\b", "")) {
            assertThatIllegalArgumentException().as(hostile).isThrownBy(() -> maildir.folderOf(hostile));
        }
    }
}
