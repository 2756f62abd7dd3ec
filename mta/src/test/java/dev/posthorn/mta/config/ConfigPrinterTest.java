package dev.posthorn.mta.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
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
            assertThat(printed).containsPattern("\nlimits:\n(  .*\n)*  " + key + ":[ \n]");
        }
        for (String key : AbuseReader.PER_IP_KEYS) {
            assertThat(printed).containsPattern("\n  per_ip:\n(    .*\n)*    " + key + ": ");
        }
        for (String key : AbuseReader.TARPIT_KEYS) {
            assertThat(printed).containsPattern("\ntarpit:\n(  .*\n)*  " + key + ": ");
        }
        for (String key : AbuseReader.DNSBL_KEYS) {
            assertThat(printed).containsPattern("\ndnsbl:\n(  .*\n)*  " + key + ": ");
        }
        for (String key : OutboundReader.DNS_KEYS) {
            assertThat(printed).containsPattern("\ndns:\n(  .*\n)*  (# )?" + key + ": ");
        }
        for (String key : OutboundReader.QUEUE_KEYS) {
            assertThat(printed).containsPattern("\nqueue:\n(  .*\n)*  " + key + ": ");
        }
        for (String key : OutboundReader.RELAY_KEYS) {
            assertThat(printed).containsPattern("\n# relay:\n(#  .*\n)*#   " + key + ":");
        }
        for (String key : OutboundReader.AUTH_KEYS) {
            assertThat(printed).containsPattern("\n#   auth:\n(#    .*\n)*#     " + key + ": ");
        }
        for (String key : OutboundReader.OUTBOUND_KEYS) {
            assertThat(printed).containsPattern("\noutbound:\n(  .*\n)*  (# )?" + key + ":");
        }
        for (String key : DomainReader.KEYS) {
            assertThat(printed).containsPattern("\n    (# )?" + key + ":");
        }
        assertThat(printed)
                .contains("spool: var/spool\n")
                .contains("\n# users_file: var/spool/users\n")
                .contains("# tls:\n#   cert: tls/cert.pem\n#   key: tls/key.pem\n")
                .contains("  - \"::1/128\"\n")
                .contains("    mailboxes: \"*\"\n")
                .contains("    # catch_all: postmaster\n")
                .contains("      maildir: var/mail\n")
                .contains("  resolvers: []\n")
                .contains("  timeout: 10s\n")
                .contains("  # dnssec_trust_anchor: root-anchors.zone\n")
                .contains("  retry: [1m, 5m, 15m, 30m, 1h, 3h]\n")
                .contains("  max_lifetime: 5d\n")
                .contains("  delay_notice: 4h\n")
                .contains("  max_received_headers: 100\n")
                .contains("  active_limit: 10000\n")
                .contains("#   smarthost: \"smtp.example.net:587\"\n#   tls: encrypt\n")
                .contains("\nroutes: {}\n")
                .contains("  port: 25\n  tls: may\n")
                .contains("  tls_policy: {}\n")
                .contains("  # ca_file: tls/ca.pem\n")
                .contains("  mta_sts: true\n");
    }

    /** The nested sections' keys, each in its own section of the printed defaults (as a key or an example). */
    @Test
    void defaultsShowEveryNestedKeyInItsSection() {
        String printed = ConfigPrinter.print(Config.defaults(dir), dir);

        for (String key : ConfigLoader.LISTENER_KEYS) {
            assertThat(printed).containsPattern("\nlisteners:\n(  .*\n)*  (- |  )" + key + ": ");
        }
        for (String key : TlsReader.KEYS) {
            assertThat(printed).containsPattern("\n# tls:\n(#  .*\n)*#   " + key + ": ");
        }
        for (String key : ChecksReader.KEYS) {
            assertThat(printed).containsPattern("\nchecks:\n(  .*\n)*  (# )?" + key + ": ");
        }
        for (String key : DkimReader.KEYS) {
            assertThat(printed).containsPattern("\ndkim:\n(  .*\n)*  (# )?" + key + ":[ \n]");
        }
        for (String key : DkimReader.KEY_KEYS) {
            assertThat(printed).containsPattern("\ndkim:\n(  .*\n)*  # +(- )?" + key + ": ");
        }
        for (String key : TimeoutsReader.KEYS) {
            assertThat(printed).containsPattern("\noutbound:\n(  .*\n)*  timeouts:\n(    .*\n)*    " + key + ": ");
        }
        // The default domain delivers to a Maildir; the other kinds are named in the domains section's comment.
        for (String key : DomainReader.DELIVERY_KEYS) {
            assertThat(printed).containsPattern("\n#   delivery: (.*\n# +)*.*\\b" + key + ": ");
        }
        assertThat(printed).contains("    delivery:\n      maildir: var/mail\n");
    }

    /**
     * A guard for keys to come: every key list a reader checks a section against ({@code allowOnly}) shows up in the
     * printed defaults, each key at the start of a line, written or as a commented example.
     */
    @Test
    void everyReaderKeyListIsPrinted() throws Exception {
        String printed = ConfigPrinter.print(Config.defaults(dir), dir);
        List<Class<?>> readers = List.of(ConfigLoader.class, AbuseReader.class, OutboundReader.class,
                TimeoutsReader.class, DomainReader.class, DkimReader.class, ChecksReader.class, TlsReader.class);
        int lists = 0;
        for (Class<?> reader : readers) {
            for (Field field : reader.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) || !field.getName().endsWith("KEYS")) {
                    continue;
                }
                lists++;
                for (Object key : (List<?>) field.get(null)) {
                    assertThat(printed).as("%s.%s: %s", reader.getSimpleName(), field.getName(), key)
                            .containsPattern("(?m)^[# ]*(- )?" + Pattern.quote((String) key) + ":|\\b"
                                    + Pattern.quote((String) key) + ": ");
                }
            }
        }
        assertThat(lists).as("key lists found").isGreaterThanOrEqualTo(18);
    }

    @Test
    void aFullConfigurationRoundTrips() throws Exception {
        ConfigFiles.tlsPair(dir);
        ConfigFiles.printedRoundTrip(dir, ConfigLoaderTest.EXAMPLE + """
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
    }

    @Test
    void aFullOutboundConfigurationRoundTrips() throws Exception {
        ConfigFiles.secret(dir.resolve("relay-password.txt"), "secret\n");
        String printed = ConfigFiles.printedRoundTrip(dir, ConfigLoaderTest.OUTBOUND_EXAMPLE
                .replace("timeout: 10s", "timeout: 1500ms").replace("max_lifetime: 5d", "max_lifetime: 36h"));

        assertThat(printed)
                .contains("  resolvers: [\"127.0.0.53:53\", \"192.0.2.53:53\", \"[2001:db8::53]:53\"]\n")
                .contains("  timeout: 1500ms\n")
                .contains("  max_lifetime: 36h\n")
                .contains("relay:\n  smarthost: \"smtp.example.net:587\"\n  tls: verify\n  auth:\n"
                        + "    user: posthorn\n    password_file: relay-password.txt\n")
                .contains("routes:\n  example.net: \"mail.example.net:2525\"\n")
                .contains("  e.example: mx\n");
    }

    @Test
    void perDomainTlsPoliciesAndMtaStsRoundTrip() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        String printed = ConfigFiles.printedRoundTrip(dir, """
                outbound:
                  tls: dane
                  tls_policy: { example.net: verify, bank.test: dane, gov.test: dane-only }
                  ca_file: ca.pem
                  mta_sts: false
                  mta_sts_cache: /var/lib/posthorn/sts
                """);

        assertThat(printed).contains("  tls: dane\n")
                .contains("  tls_policy:\n    example.net: verify\n    bank.test: dane\n    gov.test: dane-only\n")
                .contains("  ca_file: ca.pem\n").contains("  mta_sts: false\n")
                .contains("  mta_sts_cache: /var/lib/posthorn/sts\n");
    }

    @Test
    void aRelayWithoutAuthRoundTripsWithAuthAsAComment() throws Exception {
        String printed = ConfigFiles.printedRoundTrip(dir, "relay: { smarthost: \"192.0.2.25:25\", tls: none }\n");

        assertThat(printed).contains("relay:\n  smarthost: \"192.0.2.25:25\"\n  tls: none\n  # auth:\n");
    }

    @Test
    void pathsOutsideTheBaseArePrintedAbsolute() throws Exception {
        String printed = ConfigFiles.printedRoundTrip(dir, "spool: /var/spool/posthorn\n");

        assertThat(printed).contains("spool: /var/spool/posthorn\n");
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
