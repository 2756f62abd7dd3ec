package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report sections, dmarc.reports and tls_rpt: off by default, every key read and printed, the mistakes an
 * operator can make.
 */
class DmarcReportsConfigTest {

    @TempDir
    Path dir;

    @Test
    void reportsAreOffByDefault() {
        ReportSettings reports = Config.defaults(dir).dmarcReports();
        assertThat(reports.enabled()).isFalse();
        assertThat(reports.interval()).isEqualTo(Duration.ofDays(1));
        assertThat(reports.email("mx.example.org")).isEqualTo("postmaster@mx.example.org");
        assertThat(reports.orgName("mx.example.org")).isEqualTo("mx.example.org");
    }

    @Test
    void everyKeyIsReadAndPrintedBack() throws ConfigException {
        Config config = ConfigFiles.load(dir, """
                dmarc:
                  reports:
                    enabled: true
                    interval: 6h
                    org_name: Example Mail
                    email: dmarc-noreply@example.org
                    extra_contact_info: https://example.org/dmarc
                """);
        ReportSettings expected = new ReportSettings(true, Duration.ofHours(6), Optional.of("Example Mail"),
                Optional.of("dmarc-noreply@example.org"), Optional.of("https://example.org/dmarc"));
        assertThat(config.dmarcReports()).isEqualTo(expected);
        String printed = ConfigPrinter.print(config, dir);
        for (String key : ReportsReader.REPORT_KEYS) {
            assertThat(printed).containsPattern("\ndmarc:\n  reports:\n(    .*\n)*    (# )?" + key + ": ");
        }
        assertThat(ConfigFiles.load(dir, printed)).isEqualTo(config);
        assertThat(ConfigFiles.load(dir, ConfigPrinter.print(Config.defaults(dir), dir)).dmarcReports())
                .isEqualTo(Config.defaults(dir).dmarcReports());
    }

    @Test
    void reportsNeedTheDmarcCheck() {
        onlyProblem(dir, "checks: { dmarc: false }\ndmarc:\n  reports:\n    enabled: true\n", 4, "dmarc.reports",
                "reports need checks.dmarc");
    }

    @Test
    void badValuesAreNamed() {
        onlyProblem(dir, "dmarc:\n  reports:\n    interval: 8d\n", 3, "dmarc.reports.interval", "1s to 7d");
        onlyProblem(dir, "dmarc:\n  reports:\n    interval: 1500ms\n", 3, "dmarc.reports.interval", "whole seconds");
        onlyProblem(dir, "dmarc:\n  reports:\n    email: not an address\n", 3, "dmarc.reports", "");
        onlyProblem(dir, "dmarc:\n  reports:\n    enable: true\n", 3, "dmarc.reports.enable", "unknown key");
        onlyProblem(dir, "dmarc:\n  report: {}\n", 2, "dmarc.report", "unknown key");
    }

    @Test
    void tlsReportsAreOffByDefaultAndEveryKeyIsReadAndPrintedBack() throws ConfigException {
        assertThat(Config.defaults(dir).tlsReports()).isEqualTo(ReportSettings.OFF);
        Config config = ConfigFiles.load(dir, """
                tls_rpt:
                  enabled: true
                  interval: 12h
                  org_name: Example Mail
                  email: tls-reports@example.org
                """);
        assertThat(config.tlsReports()).isEqualTo(new ReportSettings(true, Duration.ofHours(12),
                Optional.of("Example Mail"), Optional.of("tls-reports@example.org"), Optional.empty()));
        String printed = ConfigPrinter.print(config, dir);
        for (String key : ReportsReader.TLS_KEYS) {
            assertThat(printed).containsPattern("\ntls_rpt:\n(  .*\n)*  (# )?" + key + ": ");
        }
        assertThat(ConfigFiles.load(dir, printed)).isEqualTo(config);
        onlyProblem(dir, "tls_rpt:\n  extra_contact_info: x\n", 2, "tls_rpt.extra_contact_info", "unknown key");
        onlyProblem(dir, "tls_rpt:\n  interval: 0s\n", 2, "tls_rpt.interval", "");
    }
}
