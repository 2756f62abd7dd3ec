package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.ip;
import static dev.posthorn.mta.config.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.config.ConfigFiles.Refusal;
import dev.posthorn.mta.config.ConfigFiles.RefusalTable;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys for operating the daemon: admin and log; read, defaulted, refused, printed. */
class OperationConfigTest {

    @TempDir
    Path dir;

    @Test
    void theAdminListenerIsOnLoopbackByDefaultAndTheTokenInTheSpool() throws Exception {
        Config config = ConfigFiles.load(dir, "hostname: mx.example.test\n");

        assertThat(config.admin().listen()).contains(new InetSocketAddress(ip("127.0.0.1"), 2580));
        assertThat(config.admin().tokenFileIn(config.spool())).isEqualTo(dir.resolve("var/spool/admin.token"));
        assertThat(config.log().format()).isEqualTo(Logging.Format.TEXT);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Config config = ConfigFiles.load(dir, """
                admin: { listen: "[::1]:9580", token_file: secrets/admin.token }
                log: { format: json }
                """);

        assertThat(config.admin()).isEqualTo(new Admin(Optional.of(new InetSocketAddress(ip("::1"), 9580)),
                Optional.of(dir.resolve("secrets/admin.token"))));
        assertThat(config.log().format()).isEqualTo(Logging.Format.JSON);
    }

    @Test
    void listenNoneTurnsTheAdminListenerOff() throws Exception {
        assertThat(ConfigFiles.load(dir, "admin: { listen: none }\n").admin().listen()).isEmpty();
    }

    @Test
    void aFullConfigurationRoundTripsThroughThePrinter() throws Exception {
        ConfigFiles.printedRoundTrip(dir, "admin: { listen: \"127.0.0.2:8080\", token_file: t.txt }\n"
                + "log: { format: json }\n");
        ConfigFiles.printedRoundTrip(dir, "admin: { listen: none }\n");
    }

    static Stream<Refusal> badValues() {
        return Stream.of(
                refused("admin: { listen: localhost:2580 }\n", 1, "admin.listen",
                        "expected an IP address and a port, or none"),
                refused("admin: { listen: 127.0.0.1 }\n", 1, "admin.listen", "expected host:port"),
                refused("admin: { listen: \"127.0.0.1:0\" }\n", 1, "admin.listen", "port must be between 1 and 65535"),
                refused("admin: { port: 2580 }\n", 1, "admin.port", "unknown key"),
                refused("log: { format: xml }\n", 1, "log.format", "expected text or json, got xml"));
    }

    @RefusalTable
    void badValues(Refusal refusal) {
        refusal.check(dir);
    }
}
