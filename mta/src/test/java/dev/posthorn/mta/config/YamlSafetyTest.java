package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.onlyProblem;
import static dev.posthorn.mta.config.ConfigFiles.problems;
import static dev.posthorn.mta.config.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.config.ConfigFiles.Refusal;
import dev.posthorn.mta.config.ConfigFiles.RefusalTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file is read as safe YAML 1.2: syntax errors with their line, no tags, few aliases, bounded size. */
class YamlSafetyTest {

    @TempDir
    Path dir;

    @Test
    void yamlSyntaxErrorIsReportedWithLine() {
        Problem problem = onlyProblem(dir, """
                hostname: mx.example.org
                limits:
                  max_recipients: 100
                 max_connections: 10
                """, 4, "", "expected <block end>");
        assertThat(problem.column()).isEqualTo(2);
    }

    @Test
    void unclosedFlowSequenceIsReportedWithLine() {
        List<Problem> problems = problems(dir, """
                trusted_networks: [ 127.0.0.0/8
                hostname: mx.example.org
                """);
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.line()).isEqualTo(2));
    }

    /** YAML mistakes, and YAML the loader does not take; an empty key marks a problem with the file, not a key. */
    static Stream<Refusal> unsafeOrMalformedYaml() {
        return Stream.of(
                // YAML forbids tabs for indentation.
                refused("limits:\n\tmax_recipients: 100\n", 2, "", "TAB"),
                // Only the core schema's tags: no binary values, no Java objects built from the file.
                refused("hostname: !!binary bXguZXhhbXBsZS5vcmc=\n", 1, "hostname",
                        "unsupported tag tag:yaml.org,2002:binary"),
                refused("limits: !java.util.HashMap { max_recipients: 100 }\n", 1, "limits", "unsupported tag"),
                // The value is the text written: no environment variable is expanded into it.
                refused("hostname: ${HOSTNAME}\n", 1, "hostname", "not expanded"),
                // One document, with a mapping at the top.
                refused("hostname: a.example\n---\nhostname: b.example\n", 2, "", "expected a single document"),
                refused("- hostname: a.example\n", 1, "", "expected a mapping, got a list"));
    }

    @RefusalTable
    void unsafeOrMalformedYaml(Refusal refusal) {
        refusal.check(dir);
    }

    @Test
    void aFewAliasesAreAllowed() throws Exception {
        Config config = ConfigFiles.load(dir, """
                trusted_networks: &mine [ 192.0.2.0/24 ]
                domains:
                  example.org: &domain
                    mailboxes: "*"
                    delivery: { maildir: mail }
                  example.net: *domain
                """);
        assertThat(config.domains()).containsOnlyKeys("example.org", "example.net");
    }

    @Test
    void manyAliasesOfCollectionsAreRefused() {
        StringBuilder yaml = new StringBuilder("a0: &a0 [ x, x, x, x, x, x, x, x, x ]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            yaml.append(String.join(", ", Collections.nCopies(9, "*a" + (i - 1)))).append("]\n");
        }
        List<Problem> problems = problems(dir, yaml.toString());
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.reason()).contains("aliases");
            assertThat(p.line()).isZero();
        });
    }

    @Test
    void deepNestingIsRefused() {
        Problem problem = onlyProblem(dir, "hostname: " + "[".repeat(100_000) + "\n", 1, "", "nested deeper than 32");
        assertThat(problem.column()).as("the 32nd bracket: the root mapping is the first level").isEqualTo(11 + 31);
    }

    @Test
    void fileLargerThanOneMebibyteIsRefused() throws Exception {
        Path file = dir.resolve("big.yaml");
        Files.writeString(file, "#".repeat(YamlFile.MAX_SIZE) + "\n");
        List<Problem> problems = ConfigFiles.problemsOf(file);
        assertThat(problems).singleElement().hasToString(file + ": larger than 1048576 octets");
    }

    @Test
    void fileThatIsNotUtf8IsRefused() throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[] {'h', 'o', 's', 't', 'n', 'a', 'm', 'e', ':', ' ', (byte) 0xe9, '\n'});
        assertThat(ConfigFiles.problemsOf(file)).singleElement().hasToString(file + ": not UTF-8 text");
    }

    @Test
    void missingFileIsReported() {
        Path file = dir.resolve("nowhere.yaml");
        assertThat(ConfigFiles.problemsOf(file)).singleElement().hasToString(file + ": no such file");
    }
}
