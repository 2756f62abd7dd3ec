package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dkim.KeyFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dkim section: keys read and checked at load, with the line of whatever is wrong. */
class DkimValidationTest {

    @TempDir
    Path dir;

    @BeforeEach
    void keys() throws Exception {
        Files.createDirectories(dir.resolve("dkim"));
        KeyFile.write(dir.resolve("dkim/rsa.pem"), KeyFile.generate("rsa").getPrivate());
        KeyFile.write(dir.resolve("dkim/ed.pem"), KeyFile.generate("ed25519").getPrivate());
    }

    private static final String TWO_KEYS = """
            dkim:
              sign:
                Example.ORG:
                  - selector: s2026
                    key: dkim/rsa.pem
                  - selector: ed2026
                    key: dkim/ed.pem
              headers: [From, Subject, Date]
              oversign: [From, Subject]
              expiration: 7d
            """;

    @Test
    void keysAreReadAndDomainsKeptInLowerCase() throws Exception {
        Dkim dkim = ConfigFiles.load(dir, TWO_KEYS).dkim();
        assertThat(dkim.sign()).containsOnlyKeys("example.org");
        List<Dkim.Key> keys = dkim.sign().get("example.org");
        assertThat(keys).extracting(Dkim.Key::selector).containsExactly("s2026", "ed2026");
        assertThat(keys).extracting(k -> k.privateKey().getAlgorithm()).containsExactly("RSA", "EdDSA");
        assertThat(keys.getFirst().file()).isEqualTo(dir.resolve("dkim/rsa.pem"));
        assertThat(dkim.headers()).containsExactly("From", "Subject", "Date");
        assertThat(dkim.oversign()).containsExactly("From", "Subject");
        assertThat(dkim.expiration()).contains(Duration.ofDays(7));
    }

    @Test
    void withoutTheSectionNothingIsSignedAndTheDefaultFieldsAreListed() throws Exception {
        Dkim dkim = ConfigFiles.load(dir, "hostname: mx.example.org\n").dkim();
        assertThat(dkim.sign()).isEmpty();
        assertThat(dkim.headers()).startsWith("From", "To", "Cc", "Subject").contains("Content-Transfer-Encoding");
        assertThat(dkim.oversign()).containsExactly("From");
        assertThat(dkim.expiration()).isEmpty();
    }

    @Test
    void configurationsWithKeysPrintAndReadBack() throws Exception {
        Config config = ConfigFiles.load(dir, TWO_KEYS);
        String printed = ConfigPrinter.print(config, dir);
        assertThat(printed).contains("      - selector: s2026\n        key: dkim/rsa.pem\n")
                .contains("  expiration: 7d\n");
        assertThat(ConfigFiles.load(dir, printed)).isEqualTo(config);
        assertThat(ConfigPrinter.print(Config.defaults(dir), dir)).contains("  # expiration: 7d\n")
                .contains("  oversign: [From]\n").containsPattern("\ndkim:\n  sign: \\{}\n");
    }

    @Test
    void aMissingKeyFileIsAProblemAtItsLine() {
        onlyProblem(dir, """
                dkim:
                  sign:
                    example.org:
                      - selector: s1
                        key: dkim/nothing.pem
                """, 5, "dkim.sign.example.org[0].key", "cannot read");
    }

    @Test
    void aFileThatIsNoKeyIsAProblemAtItsLine() throws Exception {
        Files.writeString(dir.resolve("dkim/cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        onlyProblem(dir, """
                dkim:
                  sign:
                    example.org:
                      - selector: s1
                        key: dkim/cert.pem
                """, 5, "dkim.sign.example.org[0].key", "no -----BEGIN PRIVATE KEY----- block");
        Files.writeString(dir.resolve("dkim/junk.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        onlyProblem(dir, """
                dkim:
                  sign:
                    example.org:
                      - selector: s1
                        key: dkim/junk.pem
                """, 5, "dkim.sign.example.org[0].key", "not an RSA or Ed25519 private key");
    }

    @Test
    void aSmallRsaKeyIsRefused() throws Exception {
        var generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(768);
        KeyFile.write(dir.resolve("dkim/small.pem"), generator.generateKeyPair().getPrivate());
        onlyProblem(dir, """
                dkim:
                  sign:
                    example.org:
                      - selector: s1
                        key: dkim/small.pem
                """, 5, "dkim.sign.example.org[0].key", "768 bits");
    }

    @Test
    void selectorsMustBeNamesAndUniquePerDomain() {
        onlyProblem(dir, """
                dkim:
                  sign:
                    example.org:
                      - selector: "bad selector"
                        key: dkim/rsa.pem
                """, 4, "dkim.sign.example.org[0].selector", "not a selector");
        onlyProblem(dir, """
                dkim:
                  sign:
                    example.org:
                      - selector: s1
                        key: dkim/rsa.pem
                      - selector: S1
                        key: dkim/ed.pem
                """, 6, "dkim.sign.example.org[1]", "listed twice");
    }

    @Test
    void aKeyNeedsASelectorAndADomainAKey() {
        onlyProblem(dir, """
                dkim:
                  sign:
                    example.org:
                      - key: dkim/rsa.pem
                """, 4, "dkim.sign.example.org[0].selector", "missing key");
        onlyProblem(dir, """
                dkim:
                  sign:
                    example.org: []
                """, 3, "dkim.sign.example.org", "at least one key");
    }

    @Test
    void signedFieldsMustIncludeFromAndBeFieldNames() {
        onlyProblem(dir, """
                dkim:
                  headers: [Subject, To]
                """, 2, "dkim.headers", "must contain From");
        onlyProblem(dir, """
                dkim:
                  headers: [From, "Sub ject"]
                """, 2, "dkim.headers[1]", "not a header field name");
        onlyProblem(dir, """
                dkim:
                  oversign: [From, from]
                """, 2, "dkim.oversign[1]", "listed twice");
    }

    @Test
    void unknownKeysAreRefused() {
        onlyProblem(dir, """
                dkim:
                  sing: {}
                """, 2, "dkim.sing", "unknown key");
    }

    @Test
    void arcSealingIsOffByDefaultAndReadPrintedAndReadBack() throws Exception {
        assertThat(ConfigFiles.load(dir, TWO_KEYS).dkim().arcSeal()).isFalse();
        Config config = ConfigFiles.load(dir, TWO_KEYS + "  arc:\n    seal: true\n");
        assertThat(config.dkim().arcSeal()).isTrue();
        String printed = ConfigPrinter.print(config, dir);
        assertThat(printed).contains("  arc:\n    seal: true\n");
        assertThat(ConfigFiles.load(dir, printed)).isEqualTo(config);
        assertThat(ConfigPrinter.print(Config.defaults(dir), dir)).contains("  arc:\n    seal: false\n");
    }

    @Test
    void unknownArcKeysAreRefused() {
        onlyProblem(dir, """
                dkim:
                  arc:
                    verify: true
                """, 3, "dkim.arc.verify", "unknown key");
    }
}
