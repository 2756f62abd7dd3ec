package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spool: postgresql://...}: the queue shared by several nodes, with its node keys. */
class SpoolDatabaseConfigTest {

    @TempDir
    Path dir;

    @Test
    void theQueueIsInTheFolderByDefault() {
        assertThat(Config.defaults(dir).spoolDatabase()).isEmpty();
    }

    @Test
    void aDatabaseUrlWithItsNodeKeysIsReadAndPrintedBackWithoutThePassword() throws Exception {
        Path credentials = Files.writeString(dir.resolve("db.credentials"), "posthorn:s3cret:with:colons\n");
        Config config = ConfigFiles.load(dir, """
                spool: "postgresql://mta@db.example.org:5433/queue?sslmode=require"
                spool_credentials: db.credentials
                node: mx-2
                node_dir: node
                spool_lease: 45s
                """);
        SpoolDatabase database = config.spoolDatabase().orElseThrow();
        assertThat(database.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.org:5433/queue?sslmode=require");
        assertThat(database.user()).contains("mta");
        assertThat(database.node()).isEqualTo("mx-2");
        assertThat(database.lease()).isEqualTo(Duration.ofSeconds(45));
        assertThat(database.login()).isEqualTo(new SpoolDatabase.Login(Optional.of("posthorn"),
                Optional.of("s3cret:with:colons")));
        assertThat(config.spool()).isEqualTo(dir.resolve("node"));

        String printed = ConfigPrinter.print(config, dir);
        assertThat(printed).contains("spool: \"postgresql://mta@db.example.org:5433/queue?sslmode=require\"")
                .contains("node: mx-2").contains("spool_lease: 45s");
        assertThat(ConfigFiles.load(dir, printed)).isEqualTo(config);
    }

    @Test
    void aPasswordInTheUrlIsUsedButNeverShown() throws Exception {
        Config config = ConfigFiles.load(dir, "spool: postgresql://mta:pw@127.0.0.1/queue\nnode: a\n");
        SpoolDatabase database = config.spoolDatabase().orElseThrow();
        assertThat(database.login()).isEqualTo(new SpoolDatabase.Login(Optional.of("mta"), Optional.of("pw")));
        assertThat(database.url()).doesNotContain("pw");
        assertThat(ConfigPrinter.print(config, dir)).doesNotContain("pw");
        assertThat(config.spool()).isEqualTo(Config.defaults(dir).spool());
    }

    @Test
    void theNodeIsTheMachinesNameUnlessNamed() throws Exception {
        Config config = ConfigFiles.load(dir, "spool: postgresql://127.0.0.1/queue\n");
        assertThat(config.spoolDatabase().orElseThrow().node()).isEqualTo(SpoolDatabase.machineName());
    }

    @Test
    void mistakesAreNamed() {
        onlyProblem(dir, "spool: postgresql:///queue\n", 1, "spool", "HOST");
        onlyProblem(dir, "spool: postgresql://127.0.0.1/queue\nnode: \"a b\"\n", 1, "spool", "node");
        onlyProblem(dir, "spool: postgresql://127.0.0.1/queue\nspool_lease: 1s\n", 2, "spool_lease", "at least 2s");
        onlyProblem(dir, "node: a\n", 1, "node", "only with a database spool");
    }

    @Test
    void everyNodeKeyIsKnown() {
        assertThat(ConfigLoader.KEYS).containsAll(List.of("spool_credentials", "spool_lease", "node", "node_dir"));
    }
}
