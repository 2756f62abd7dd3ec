package dev.posthorn.mta.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz target for the configuration file: whatever bytes {@code posthorn.yaml} holds, {@link ConfigLoader#load}
 * returns a {@link Config} or throws {@link ConfigException} listing the problems; nothing else (no YAML library
 * exception, no {@link StackOverflowError} from nesting, no hang on aliases).
 */
class ConfigLoaderFuzzTest {

    @TempDir
    static Path dir;

    @FuzzTest
    void load(byte[] yaml) throws IOException {
        Path file = Files.write(dir.resolve(ConfigFiles.NAME), yaml);
        try {
            assertThat(ConfigLoader.load(file)).isNotNull();
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty();
        }
    }
}
