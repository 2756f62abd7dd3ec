package dev.posthorn.mta.daemon;

import dev.posthorn.mailauth.dmarc.ExternalDestinations;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.inbound.DmarcObserver;
import dev.posthorn.mta.inbound.SuffixListSource;
import dev.posthorn.mta.reports.DmarcReporter;
import dev.posthorn.mta.reports.DmarcStore;
import dev.posthorn.mta.reports.HttpsReportPoster;
import dev.posthorn.mta.reports.ReportSubmission;
import dev.posthorn.mta.reports.TlsRptReporter;
import dev.posthorn.mta.reports.TlsRptStore;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.tls.Trust;
import dev.posthorn.mta.tlsrpt.TlsRptObserver;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.TransactionId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reports of one setup: DMARC aggregate reports ({@code dmarc.reports}) and TLS reports ({@code tls_rpt}),
 * each counted in its store in the spool from the moment the setup is built, and sent once {@link #start} has a sink
 * to queue them through (as mail of this server's own making, signed where a key is configured).
 */
final class Reporting implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reporting.class);
    /** Connect and read timeout of a report's HTTPS POST. */
    private static final Duration POST_TIMEOUT = Duration.ofSeconds(30);

    private final Config config;
    private final Optional<DmarcReporter> dmarc;
    private final Optional<TlsRptReporter> tls;
    private final Optional<HttpsReportPoster> poster;

    private Reporting(Config config, Optional<DmarcReporter> dmarc, Optional<TlsRptReporter> tls,
                      Optional<HttpsReportPoster> poster) {
        this.config = config;
        this.dmarc = dmarc;
        this.tls = tls;
        this.poster = poster;
    }

    /** The counters {@code config} asks for; the DMARC one only where the inbound checks run ({@code suffixes}). */
    static Reporting of(Config config, Spool spool, DnsClient dns, Optional<SuffixListSource> suffixes, Clock clock)
            throws IOException {
        Optional<DmarcReporter> dmarc = Optional.empty();
        Optional<TlsRptReporter> tls = Optional.empty();
        Optional<HttpsReportPoster> poster = Optional.empty();
        try {
            if (config.dmarcReports().enabled() && suffixes.isPresent()) {
                dmarc = Optional.of(new DmarcReporter(opened("dmarc.reports", spool.root(), DmarcStore.FILE,
                        () -> DmarcStore.open(spool.root())), config.dmarcReports(), config.hostname(),
                        new ExternalDestinations(dns, suffixes.get()), clock));
            }
            if (config.tlsReports().enabled()) {
                tls = Optional.of(new TlsRptReporter(opened("tls_rpt", spool.root(), TlsRptStore.FILE,
                        () -> TlsRptStore.open(spool.root())), config.tlsReports(), config.hostname(), dns, clock));
                poster = Optional.of(new HttpsReportPoster(dns, Trust.of(config.outbound().caFile()), POST_TIMEOUT));
            }
        } catch (IOException | RuntimeException e) {
            new Reporting(config, dmarc, tls, poster).close();
            throw e;
        }
        return new Reporting(config, dmarc, tls, poster);
    }

    private interface Opener<T> {
        T open() throws SQLException;
    }

    private static <T> T opened(String what, Path spool, String file, Opener<T> opener) throws IOException {
        try {
            return opener.open();
        } catch (SQLException e) {
            throw StartError.of(what + " " + spool.resolve(file), new IOException(e.getMessage(), e));
        }
    }

    DmarcObserver dmarcObserver() {
        return dmarc.<DmarcObserver>map(reporter -> reporter).orElse(DmarcObserver.NONE);
    }

    TlsRptObserver tlsObserver() {
        return tls.<TlsRptObserver>map(reporter -> reporter).orElse(TlsRptObserver.NONE);
    }

    /** Starts sending, reports queued through {@code sink} as local, authenticated mail. */
    void start(SpoolSink sink) {
        dmarc.ifPresent(reporter -> reporter.start(submission(sink, "DMARC reports", "dmarc-reports")));
        tls.ifPresent(reporter -> reporter.start(submission(sink, "TLS reports", "tls-reports"),
                poster.orElseThrow()));
    }

    private ReportSubmission submission(SpoolSink sink, String source, String user) {
        return (sender, to, message) -> LocalSubmission.commit(sink, config.hostname(), TransactionId.next(), source,
                user, ReversePath.of(sender), List.of(ForwardPath.of(to)), new ByteArrayInputStream(message));
    }

    @Override
    public void close() {
        dmarc.ifPresent(DmarcReporter::close);
        tls.ifPresent(TlsRptReporter::close);
        poster.ifPresent(p -> {
            try {
                p.close();
            } catch (IOException e) {
                log.debug("TLS reports: closing the HTTPS client failed", e);
            }
        });
    }
}
