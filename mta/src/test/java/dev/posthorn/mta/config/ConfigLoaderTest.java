package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.ip;
import static dev.posthorn.mta.config.ConfigFiles.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.posthorn.mta.config.Listener.Role;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @TempDir
    Path dir;

    @Test
    void theExampleFileLoadsToTheExpectedRecords() throws Exception {
        Config config = load(dir, EXAMPLE);

        LocalDomain exampleOrg = new LocalDomain("example.org", new Mailboxes.Listed(Set.of("alice", "bob")),
                Map.of("postmaster", List.of("alice"), "team", List.of("alice", "bob", "carol@elsewhere.test")),
                Optional.empty(), true, new Delivery.Maildir(dir.resolve("var/mail/example.org")));
        Config expected = new Config("mx.example.org", dir.resolve("var/spool"),
                List.of(new Listener(ip("127.0.0.1"), 2525, Role.MX),
                        new Listener(ip("127.0.0.1"), 2587, Role.SUBMISSION),
                        new Listener(ip("127.0.0.1"), 2465, Role.SUBMISSIONS)),
                Optional.of(new TlsFiles(dir.resolve("tls/cert.pem"), dir.resolve("tls/key.pem"))),
                List.of(Network.parse("127.0.0.0/8")),
                new Limits(26_214_400, 100, 1000, 50, 104_857_600),
                Map.of("example.org", exampleOrg), Optional.empty());
        assertThat(config).isEqualTo(expected);
        assertThat(config.domains().get("example.org").aliases()).containsOnlyKeys("postmaster", "team");
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
        assertThat(localhost.delivery()).isEqualTo(new Delivery.Maildir(dir.resolve("var/mail")));
        assertThat(((Delivery.Maildir) localhost.delivery()).folderOf("user")).isEqualTo(dir.resolve("var/mail/user"));
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
        assertThat(domain.delivery()).isEqualTo(new Delivery.Lmtp(new LmtpTarget.Tcp("::1", 24)));
    }

    @Test
    void relativePathsAreResolvedAgainstTheFileFolder() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc/posthorn"));
        Path file = ConfigFiles.write(etc, """
                spool: ../../var/spool
                tls: { cert: tls/cert.pem, key: /etc/ssl/private/key.pem }
                domains:
                  example.org:
                    mailboxes: "*"
                    delivery: { maildir: mail }
                """);

        Config config = ConfigLoader.load(file);

        assertThat(config.spool()).isEqualTo(dir.resolve("var/spool"));
        assertThat(config.tls())
                .contains(new TlsFiles(etc.resolve("tls/cert.pem"), Path.of("/etc/ssl/private/key.pem")));
        assertThat(config.domains().get("example.org").delivery())
                .isEqualTo(new Delivery.Maildir(etc.resolve("mail")));
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
                new Delivery.Lmtp(new LmtpTarget.Tcp("127.0.0.1", 24)),
                new Delivery.Lmtp(new LmtpTarget.Tcp("2001:db8::1", 2424)),
                new Delivery.Lmtp(new LmtpTarget.Tcp("lmtp.example.org", 24)),
                new Delivery.Lmtp(new LmtpTarget.Unix(Path.of("/run/dovecot/lmtp"))));
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
        Delivery.Maildir maildir = new Delivery.Maildir(dir.resolve("mail"));

        assertThat(maildir.folderOf("alice.smith")).isEqualTo(dir.resolve("mail/alice.smith"));
        for (String hostile : List.of("..", "../etc", "a/b", ".hidden", "a\\b", "")) {
            assertThatIllegalArgumentException().as(hostile).isThrownBy(() -> maildir.folderOf(hostile));
        }
    }
}
