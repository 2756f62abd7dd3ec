package dev.posthorn.mta.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listener's {@code requiretls}: whether REQUIRETLS (RFC 8689) is offered on its TLS sessions. */
class RequireTlsConfigTest {

    @TempDir
    Path dir;

    @Test
    void onByDefaultOffWhenSaid() throws Exception {
        Config config = ConfigFiles.load(dir, """
                listeners:
                  - { address: 127.0.0.1, port: 2525, role: mx, requiretls: false }
                  - { address: 127.0.0.1, port: 2587, role: submission }
                """);
        assertThat(config.listeners().getFirst().requireTls()).isFalse();
        assertThat(config.listeners().get(1).requireTls()).isTrue();
        assertThat(Config.defaults(dir).listeners()).allMatch(Listener::requireTls);
    }

    @Test
    void printedInTheDefaultsAndRoundTrips() throws Exception {
        assertThat(ConfigPrinter.print(Config.defaults(dir), dir)).contains("    requiretls: true\n")
                .contains("requiretls: offer REQUIRETLS (RFC 8689)");
        String printed = ConfigFiles.printedRoundTrip(dir, """
                listeners:
                  - { address: 127.0.0.1, port: 2525, role: mx, requiretls: false }
                """);
        assertThat(printed).contains("    proxy_from: []\n    requiretls: false\n");
    }

    @Test
    void aValueOtherThanTrueOrFalseIsAProblem() {
        ConfigFiles.onlyProblem(dir, """
                listeners:
                  - { address: 127.0.0.1, port: 25, role: mx, requiretls: "yes" }
                """, 2, "listeners[0].requiretls", "expected true or false");
    }
}
