package dev.posthorn.mta.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The printed configuration reads back to the configuration it was printed from. */
class ConfigPrinterTest {

    @TempDir
    Path dir;

    @Test
    void defaultsRoundTrip() throws Exception {
        String printed = ConfigPrinter.print(Config.defaults(dir), dir);

        assertThat(ConfigFiles.load(dir, printed)).isEqualTo(Config.defaults(dir));
    }

    @Test
    void defaultsShowEveryKey() {
        String printed = ConfigPrinter.print(Config.defaults(dir), dir);

        for (String key : ConfigLoader.KEYS) {
            assertThat(printed).contains(key + ":");
        }
        for (String key : ConfigLoader.LIMIT_KEYS) {
            assertThat(printed).contains("  " + key + ": ");
        }
        for (String key : DomainReader.KEYS) {
            assertThat(printed).containsPattern("\n    (# )?" + key + ":");
        }
        assertThat(printed)
                .contains("spool: var/spool\n")
                .contains("# tls:\n#   cert: tls/cert.pem\n#   key: tls/key.pem\n")
                .contains("  - \"::1/128\"\n")
                .contains("    mailboxes: \"*\"\n")
                .contains("    # catch_all: postmaster\n")
                .contains("      maildir: var/mail\n");
    }

    @Test
    void aFullConfigurationRoundTrips() throws Exception {
        Config example = ConfigFiles.load(dir, ConfigLoaderTest.EXAMPLE + """
                  example.net:
                    mailboxes: [ "1234", "true" ]
                    aliases: { "null": "1234", abuse: "true" }
                    catch_all: "1234"
                    plus_addressing: false
                    delivery: { lmtp: "[::1]:24" }
                  example.com:
                    mailboxes: []
                    aliases: { all: [ "1234@example.net", "x@[192.0.2.1]" ] }
                    delivery: { lmtp: "unix:/run/lmtp socket" }
                """);
        String printed = ConfigPrinter.print(example, dir);

        assertThat(ConfigFiles.load(dir, printed)).isEqualTo(example);
    }

    @Test
    void pathsOutsideTheBaseArePrintedAbsolute() throws Exception {
        Config config = ConfigFiles.load(dir, "spool: /var/spool/posthorn\n");
        String printed = ConfigPrinter.print(config, dir);

        assertThat(printed).contains("spool: /var/spool/posthorn\n");
        assertThat(ConfigFiles.load(dir, printed)).isEqualTo(config);
    }

    @Test
    void scalarsAreQuotedOnlyWhenYamlWouldReadThemOtherwise() {
        assertThat(ConfigPrinter.scalar("alice")).isEqualTo("alice");
        assertThat(ConfigPrinter.scalar("var/mail/example.org")).isEqualTo("var/mail/example.org");
        assertThat(ConfigPrinter.scalar("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(ConfigPrinter.scalar("true")).isEqualTo("\"true\"");
        assertThat(ConfigPrinter.scalar("NULL")).isEqualTo("\"NULL\"");
        assertThat(ConfigPrinter.scalar("1234")).isEqualTo("\"1234\"");
        assertThat(ConfigPrinter.scalar("0x10")).isEqualTo("\"0x10\"");
        assertThat(ConfigPrinter.scalar("*")).isEqualTo("\"*\"");
        assertThat(ConfigPrinter.scalar("::1")).isEqualTo("\"::1\"");
        assertThat(ConfigPrinter.scalar("a \"b\" \\ c\n")).isEqualTo("\"a \\\"b\\\" \\\\ c\\u000a\"");
    }
}
