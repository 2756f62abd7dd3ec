package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.testing.Dialog;
import dev.posthorn.smtp.testing.DialogFiles;
import dev.posthorn.smtp.testing.DialogResult;
import dev.posthorn.smtp.testing.DialogRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every dialogue case, shared and Posthorn's own, against the daemon's MX listener. */
class DaemonConformanceTest {

    @TempDir
    static Path dir;
    private static Daemon daemon;

    @BeforeAll
    static void start() throws IOException {
        // One daemon serves every case from 127.0.0.1: its per-minute limits are raised so the count of cases
        // never matters (the limits have tests of their own).
        var config = TestConfigs.conformance(dir);
        var minute = java.time.Duration.ofMinutes(1);
        var limits = config.limits().withPerIp(new dev.posthorn.mta.config.PerIp(
                new dev.posthorn.mta.config.Rate(10_000, minute), new dev.posthorn.mta.config.Rate(10_000, minute),
                new dev.posthorn.mta.config.Rate(100_000, minute)));
        daemon = Daemon.start(config.withTrust(config.trustedNetworks(), limits));
    }

    @AfterAll
    static void stop() {
        daemon.close();
    }

    static Stream<Dialog> cases() throws IOException {
        return Stream.concat(DialogFiles.conformanceCases().stream(),
                DialogFiles.load(DialogFiles.findUpwards("conformance/daemon")).stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void passes(Dialog dialog) {
        assertThat(dialog.settings()).as("cases that change server settings need a daemon of their own").isEmpty();
        DialogResult result = new DialogRunner().run(dialog, daemon.addresses().getFirst());
        assertThat(result.passed()).as(result.report()).isTrue();
    }
}
