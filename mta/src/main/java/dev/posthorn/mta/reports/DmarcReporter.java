package dev.posthorn.mta.reports;

import dev.posthorn.mailauth.dmarc.AggregateReport;
import dev.posthorn.mailauth.dmarc.DmarcRecord;
import dev.posthorn.mailauth.dmarc.ExternalDestinations;
import dev.posthorn.mailauth.dmarc.ReportUri;
import dev.posthorn.mta.config.ReportSettings;
import dev.posthorn.mta.inbound.DmarcObserver;
import dev.posthorn.smtp.Mailbox;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what the inbound DMARC checks saw ({@link DmarcObserver}) and, once an interval has ended, queues each
 * domain's aggregate report to the destinations its record named that RFC 7489 7.1 allows, then forgets that data.
 * A report is queued before its data is forgotten, so a crash in between sends it twice (with the same report id),
 * never not at all. Looks for ended intervals as {@link Ticker} says.
 */
public final class DmarcReporter implements DmarcObserver, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DmarcReporter.class);

    private final DmarcStore store;
    private final ReportSettings settings;
    private final String hostname;
    private final ExternalDestinations destinations;
    private final Clock clock;
    private volatile Ticker ticker;
    private volatile boolean closed;

    public DmarcReporter(DmarcStore store, ReportSettings settings, String hostname, ExternalDestinations destinations,
                         Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.hostname = Objects.requireNonNull(hostname, "hostname");
        this.destinations = Objects.requireNonNull(destinations, "destinations");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void observed(String policyDomain, DmarcRecord published, AggregateReport.Row row) {
        try {
            store.count(Ticker.periodOf(clock.instant(), settings.interval()), policyDomain, published, row);
        } catch (SQLException | RuntimeException e) {
            log.warn("DMARC reports: counting a message for {} failed: {}", policyDomain, e.toString());
        }
    }

    /** Starts checking for ended intervals, sending through {@code submission}. */
    public void start(ReportSubmission submission) {
        Objects.requireNonNull(submission, "submission");
        ticker = Ticker.start("dmarc-reports", settings.interval(), () -> sendDue(submission));
    }

    /**
     * Queues the reports of every interval that has ended.
     *
     * @return the number of report messages queued
     */
    public int sendDue(ReportSubmission submission) {
        try {
            return Ticker.sendEnded(store, Ticker.periodOf(clock.instant(), settings.interval()), () -> closed,
                    (period, domain) -> report(submission, period, domain));
        } catch (SQLException | RuntimeException e) {
            log.warn("DMARC reports: reading the counts failed: {}", e.toString());
            return 0;
        }
    }

    private int report(ReportSubmission submission, Instant period, String domain) throws SQLException {
        Optional<DmarcStore.Entry> entry = store.entry(period, domain);
        if (entry.isEmpty()) {
            return 0;
        }
        Instant end = period.plus(settings.interval());
        String reportId = Ticker.reportId(period, domain, hostname);
        AggregateReport report = new AggregateReport(new AggregateReport.Metadata(settings.orgName(hostname),
                settings.email(hostname), settings.extraContactInfo(), reportId, period, end), domain,
                entry.get().published(), entry.get().rows());
        int sent = 0;
        try {
            ReportMail mail = ReportMail.dmarc(report, hostname, settings.orgName(hostname), clock.instant());
            Mailbox sender = Mailbox.parse(settings.email(hostname), false);
            for (ReportUri destination : entry.get().published().aggregate()) {
                sent += send(submission, mail, sender, domain, destination);
            }
        } catch (IOException e) {
            log.warn("DMARC reports: the report for {} ({}) was not queued, kept for the next try: {}", domain,
                    reportId, e.toString());
            return sent;
        }
        store.forget(period, domain);
        return sent;
    }

    private int send(ReportSubmission submission, ReportMail mail, Mailbox sender, String domain, ReportUri destination)
            throws IOException {
        if (!destinations.permits(domain, destination)) {
            log.info("DMARC reports: not sending the report for {} to {}: that destination did not agree to take"
                    + " them (RFC 7489 7.1)", domain, destination.mailbox());
            return 0;
        }
        if (destination.maxSize().isPresent() && mail.size() > destination.maxSize().getAsLong()) {
            log.info("DMARC reports: the report for {} is {} octets, more than {} takes", domain, mail.size(),
                    destination);
            return 0;
        }
        submission.submit(sender, destination.mailbox(), mail.message(sender.toString(),
                destination.mailbox().toString()));
        log.info("DMARC reports: report for {} queued to {}", domain, destination.mailbox());
        return 1;
    }

    /** Stops the checks (a run under way finishes its current report) and closes the store. */
    @Override
    public void close() {
        closed = true;
        Ticker running = ticker;
        if (running != null) {
            running.close();
        }
        try {
            store.close();
        } catch (SQLException e) {
            log.warn("DMARC reports: closing {} failed: {}", DmarcStore.FILE, e.toString());
        }
    }
}
