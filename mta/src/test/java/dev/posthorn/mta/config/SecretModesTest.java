package dev.posthorn.mta.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.posthorn.mailauth.dkim.KeyFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets that other users of the host may read (issue 12): the TLS key, the DKIM keys and the users file load, and
 * {@code config check} (or the start) warns with the file and the fix; readable by their owner alone, no warning.
 */
class SecretModesTest {

    @TempDir
    Path dir;

    private static final String YAML = """
            tls: { cert: tls/cert.pem, key: tls/key.pem }
            users_file: users.txt
            dkim:
              sign:
                example.org:
                  - { selector: s1, key: dkim/s1.pem }
            """;

    private void secrets(String mode) throws Exception {
        ConfigFiles.tlsPair(dir);
        Files.createDirectories(dir.resolve("dkim"));
        KeyFile.write(dir.resolve("dkim/s1.pem"), KeyFile.generate("ed25519").getPrivate());
        Files.writeString(dir.resolve("users.txt"), "");
        for (String file : new String[] {"tls/key.pem", "dkim/s1.pem", "users.txt"}) {
            Files.setPosixFilePermissions(dir.resolve(file), PosixFilePermissions.fromString(mode));
        }
    }

    @Test
    void secretsEveryoneMayReadAreWarnedAboutOneByOne() throws Exception {
        secrets("rw-r--r--");

        assertThat(ConfigFiles.warningsOfLoading(dir, YAML)).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactlyInAnyOrder(
                        dir.resolve(ConfigFiles.NAME) + ":1:33: tls.key: readable by every user of this host; chmod o-r "
                                + dir.resolve("tls/key.pem"),
                        dir.resolve(ConfigFiles.NAME) + ":2:13: users_file: readable by every user of this host;"
                                + " chmod o-r " + dir.resolve("users.txt"),
                        dir.resolve(ConfigFiles.NAME) + ":6:30: dkim.sign.example.org[0].key: readable by every user"
                                + " of this host; chmod o-r " + dir.resolve("dkim/s1.pem"));
    }

    @Test
    void secretsOnlyTheirOwnerMayReadLoadWithoutAWarning() throws Exception {
        secrets("rw-------");

        assertThat(ConfigFiles.warningsOfLoading(dir, YAML)).isEmpty();
    }
}
