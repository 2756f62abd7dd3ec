package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks section: defaults, reading, printing, and the combinations that make no sense. */
class ChecksConfigTest {

    @TempDir
    Path dir;

    @Test
    void checksRunByDefaultAndRefuseNothing() {
        assertThat(Config.defaults(dir).checks())
                .isEqualTo(new Checks(true, true, true, false, false, false, Optional.empty()));
    }

    @Test
    void everyKeyIsRead() throws ConfigException {
        Config config = ConfigFiles.load(dir, """
                checks:
                  spf: true
                  dkim: true
                  dmarc: true
                  reject_spf_fail: true
                  dmarc_reject: true
                  defer_on_temperror: true
                  public_suffix_list: psl/list.dat
                """);
        assertThat(config.checks()).isEqualTo(new Checks(true, true, true, true, true, true,
                Optional.of(dir.resolve("psl/list.dat"))));
        assertThat(ConfigFiles.load(dir, "checks: { spf: false, dkim: false, dmarc: false }\n").checks())
                .isEqualTo(Checks.OFF);
        assertThat(ConfigFiles.load(dir, "checks: { reject_spf_fail: true }\n").checks().rejectSpfFail()).isTrue();
    }

    @Test
    void defaultsArePrintedWithEveryKeyAndRoundTrip() throws ConfigException {
        String printed = ConfigPrinter.print(Config.defaults(dir), dir);
        for (String key : ChecksReader.KEYS) {
            assertThat(printed).containsPattern("\nchecks:\n(  .*\n)*  (# )?" + key + ": ");
        }
        assertThat(printed).contains("  # public_suffix_list: /usr/share/publicsuffix/public_suffix_list.dat\n");
        Config custom = Config.defaults(dir).withChecks(new Checks(true, true, true, true, false, true,
                Optional.of(dir.resolve("psl.dat"))));
        String customPrinted = ConfigPrinter.print(custom, dir);
        assertThat(customPrinted).contains("  public_suffix_list: psl.dat\n");
        assertThat(ConfigFiles.load(dir, customPrinted)).isEqualTo(custom);
    }

    @Test
    void dmarcNeedsSpfAndDkim() {
        onlyProblem(dir, """
                checks:
                  dkim: false
                """, 2, "checks", "dmarc needs spf and dkim");
    }

    @Test
    void rejectionsNeedTheirChecks() {
        onlyProblem(dir, "checks: { spf: false, dmarc: false, reject_spf_fail: true }\n", 1, "checks",
                "reject_spf_fail needs spf");
        onlyProblem(dir, "checks: { dmarc: false, dmarc_reject: true }\n", 1, "checks", "dmarc_reject needs dmarc");
    }

    @Test
    void switchesAreBooleansAndKeysAreKnown() {
        onlyProblem(dir, "checks:\n  spf: yes\n", 2, "checks.spf", "expected true or false");
        onlyProblem(dir, "checks:\n  dmarc_rejects: true\n", 2, "checks.dmarc_rejects", "unknown key");
    }
}
