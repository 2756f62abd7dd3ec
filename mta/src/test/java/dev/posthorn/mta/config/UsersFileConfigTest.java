package dev.posthorn.mta.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without users_file, the users file is {@code users} in the spool, so the defaults take submission. */
class UsersFileConfigTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultsKeepTheUsersInTheSpool() {
        Config defaults = Config.defaults(dir);

        assertThat(defaults.usersFile()).contains(dir.resolve("var/spool/users"));
    }

    @Test
    void aFileWithoutUsersFileKeepsThemInItsOwnSpool() throws Exception {
        Config config = ConfigFiles.load(dir, "spool: queue\n");

        assertThat(config.usersFile()).contains(dir.resolve("queue/users"));
    }

    @Test
    void aUsersFileNamedInTheFileIsTaken() throws Exception {
        Config config = ConfigFiles.load(dir, "users_file: etc/users\n");

        assertThat(config.usersFile()).contains(dir.resolve("etc/users"));
    }

    @Test
    void theDefaultIsPrintedAsACommentAndRoundTrips() throws Exception {
        String printed = ConfigFiles.printedRoundTrip(dir, "spool: queue\n");

        assertThat(printed).contains("\n# users_file: queue/users\n").doesNotContain("\nusers_file:");
        assertThat(ConfigFiles.printedRoundTrip(dir, "users_file: etc/users\n")).contains("\nusers_file: etc/users\n");
    }
}
