package dev.posthorn.mta.reports;

import dev.posthorn.mailauth.dns.DnsLookup;
import dev.posthorn.mta.config.ReportSettings;
import dev.posthorn.mta.tls.Printable;
import dev.posthorn.mta.tlsrpt.SessionResult;
import dev.posthorn.mta.tlsrpt.TlsReport;
import dev.posthorn.mta.tlsrpt.TlsRptObserver;
import dev.posthorn.mta.tlsrpt.TlsRptRecord;
import dev.posthorn.smtp.Mailbox;
import java.io.IOException;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every outbound session's TLS result ({@link TlsRptObserver}) and, once an interval has ended, sends each
 * recipient domain that publishes a TLSRPT record ({@code _smtp._tls}, RFC 8460 3) its report: by mail to each
 * {@code mailto:} (queued like any other mail, DKIM-signed where a key is configured) and by HTTPS POST to each
 * {@code https:}. The record is looked up when the report is due, so a domain that publishes none is asked once per
 * interval and gets nothing; its counts are dropped. A report is sent once: a destination that fails is logged, not
 * retried (RFC 8460 5.3 leaves retries to the sender).
 */
public final class TlsRptReporter implements TlsRptObserver, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TlsRptReporter.class);

    private final TlsRptStore store;
    private final ReportSettings settings;
    private final String hostname;
    private final DnsLookup dns;
    private final Clock clock;
    private volatile Ticker ticker;

    public TlsRptReporter(TlsRptStore store, ReportSettings settings, String hostname, DnsLookup dns, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.hostname = Objects.requireNonNull(hostname, "hostname");
        this.dns = Objects.requireNonNull(dns, "dns");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void session(SessionResult result) {
        try {
            store.count(Ticker.periodOf(clock.instant(), settings.interval()), result);
        } catch (SQLException | RuntimeException e) {
            log.warn("TLS reports: counting a session to {} failed: {}", result.policyDomain(), e.toString());
        }
    }

    /** Starts looking for ended intervals, mailing through {@code submission} and posting through {@code poster}. */
    public void start(ReportSubmission submission, ReportPoster poster) {
        Objects.requireNonNull(submission, "submission");
        Objects.requireNonNull(poster, "poster");
        ticker = Ticker.start("tls-reports", settings.interval(), () -> sendDue(submission, poster));
    }

    /**
     * Sends the reports of every interval that has ended.
     *
     * @return the number of destinations a report went to
     */
    public int sendDue(ReportSubmission submission, ReportPoster poster) {
        try {
            return Ticker.sendEnded(store, Ticker.periodOf(clock.instant(), settings.interval()), () -> false,
                    (period, domain) -> {
                        int sent = report(submission, poster, period, domain);
                        store.forget(period, domain);   // sent once: a failed destination is not retried
                        return sent;
                    });
        } catch (SQLException | RuntimeException e) {
            log.warn("TLS reports: reading the counts failed: {}", e.toString());
            return 0;
        }
    }

    private int report(ReportSubmission submission, ReportPoster poster, Instant period, String domain)
            throws SQLException {
        Optional<TlsRptRecord> record = TlsRptRecord.lookup(dns, domain);
        List<TlsReport.PolicyResult> results = store.results(period, domain);
        if (record.isEmpty() || results.isEmpty()) {
            return 0;   // RFC 8460 3: no record, no reports
        }
        String reportId = Ticker.reportId(period, domain, hostname);
        TlsReport report = new TlsReport(settings.orgName(hostname), settings.email(hostname), reportId, period,
                period.plus(settings.interval()), results);
        ReportMail mail;
        Mailbox sender;
        try {
            mail = ReportMail.tls(report, domain, hostname, clock.instant());
            sender = Mailbox.parse(settings.email(hostname), false);
        } catch (IOException | IllegalArgumentException e) {
            log.warn("TLS reports: the report for {} could not be made: {}", domain, e.toString());
            return 0;
        }
        int sent = 0;
        for (Mailbox to : record.get().mail()) {
            try {
                submission.submit(sender, to, mail.message(sender.toString(), to.toString()));
                log.info("TLS reports: report for {} queued to {}", domain, to);
                sent++;
            } catch (IOException e) {
                log.warn("TLS reports: the report for {} was not queued to {}: {}", domain, to, e.toString());
            }
        }
        for (URI uri : record.get().https()) {
            try {
                poster.post(uri, mail.gzipped());
                log.info("TLS reports: report for {} posted to {}", domain, Printable.of(uri.toString()));
                sent++;
            } catch (IOException e) {
                log.warn("TLS reports: posting the report for {} to {} failed: {}", domain,
                        Printable.of(uri.toString()), Printable.of(e.getMessage()));
            }
        }
        return sent;
    }

    /** Stops looking (a run under way finishes first) and closes the store. */
    @Override
    public void close() {
        Ticker running = ticker;
        if (running != null) {
            running.close();
        }
        try {
            store.close();
        } catch (SQLException e) {
            log.warn("TLS reports: closing {} failed: {}", TlsRptStore.FILE, e.toString());
        }
    }
}
