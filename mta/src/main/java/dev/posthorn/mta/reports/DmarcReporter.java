package dev.posthorn.mta.reports;

import dev.posthorn.mta.config.DmarcReports;
import dev.posthorn.mta.dmarc.AggregateReport;
import dev.posthorn.mta.dmarc.DmarcRecord;
import dev.posthorn.mta.dmarc.ExternalDestinations;
import dev.posthorn.mta.dmarc.ReportUri;
import dev.posthorn.mta.inbound.DmarcObserver;
import dev.posthorn.smtp.Mailbox;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what the inbound DMARC checks saw ({@link DmarcObserver}) and, once an interval has ended, queues each
 * domain's aggregate report to the destinations its record named that RFC 7489 7.1 allows, then forgets that data.
 * A report is queued before its data is forgotten, so a crash in between sends it twice (with the same report id),
 * never not at all. Checks for ended intervals at start and then every quarter interval (at most every five
 * minutes).
 */
public final class DmarcReporter implements DmarcObserver, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DmarcReporter.class);
    private static final Duration MAX_TICK = Duration.ofMinutes(5);
    /**
     * One report run at a time in this process: a reload's new setup runs its reporter beside the retiring one's,
     * over the same store file; the second to come finds the data already forgotten.
     */
    private static final ReentrantLock RUNS = new ReentrantLock();

    private final DmarcStore store;
    private final DmarcReports settings;
    private final String hostname;
    private final ExternalDestinations destinations;
    private final Clock clock;
    /** Counted down by {@link #close()}: ends the ticker's wait without interrupting it (a spool write would fail). */
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile Thread ticker;
    private volatile boolean closed;

    /** Queues one report message. */
    @FunctionalInterface
    public interface Submission {
        /**
         * @param sender  MAIL FROM
         * @param to      the one recipient
         * @param message the whole message, CRLF line ends
         */
        void submit(Mailbox sender, Mailbox to, byte[] message) throws IOException;
    }

    public DmarcReporter(DmarcStore store, DmarcReports settings, String hostname, ExternalDestinations destinations,
                         Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.hostname = Objects.requireNonNull(hostname, "hostname");
        this.destinations = Objects.requireNonNull(destinations, "destinations");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The start of the interval {@code time} falls in: a multiple of the interval since the epoch. */
    Instant periodOf(Instant time) {
        long length = settings.interval().toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(time.getEpochSecond(), length) * length);
    }

    @Override
    public void observed(String policyDomain, DmarcRecord published, AggregateReport.Row row) {
        try {
            store.count(periodOf(clock.instant()), policyDomain, published, row);
        } catch (SQLException | RuntimeException e) {
            log.warn("DMARC reports: counting a message for {} failed: {}", policyDomain, e.toString());
        }
    }

    /** Starts checking for ended intervals, sending through {@code submission}. */
    public void start(Submission submission) {
        Objects.requireNonNull(submission, "submission");
        Duration quarter = settings.interval().dividedBy(4);
        Duration tick = quarter.compareTo(MAX_TICK) > 0 ? MAX_TICK
                : quarter.compareTo(Duration.ofMillis(250)) < 0 ? Duration.ofMillis(250) : quarter;
        ticker = Thread.ofVirtual().name("dmarc-reports").start(() -> {
            while (!closed) {
                sendDue(submission);
                try {
                    stop.await(tick.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /**
     * Queues the reports of every interval that has ended.
     *
     * @return the number of report messages queued
     */
    public int sendDue(Submission submission) {
        RUNS.lock();
        try {
            int sent = 0;
            Instant current = periodOf(clock.instant());
            for (Instant period : store.periodsBefore(current)) {
                for (String domain : store.domains(period)) {
                    if (closed) {
                        return sent;
                    }
                    sent += report(submission, period, domain);
                }
            }
            return sent;
        } catch (SQLException | RuntimeException e) {
            log.warn("DMARC reports: reading the counts failed: {}", e.toString());
            return 0;
        } finally {
            RUNS.unlock();
        }
    }

    private int report(Submission submission, Instant period, String domain) throws SQLException {
        Optional<DmarcStore.Entry> entry = store.entry(period, domain);
        if (entry.isEmpty()) {
            return 0;
        }
        Instant end = period.plus(settings.interval());
        String reportId = period.getEpochSecond() + "." + domain + "@" + hostname;
        AggregateReport report = new AggregateReport(new AggregateReport.Metadata(settings.orgName(hostname),
                settings.email(hostname), settings.extraContactInfo(), reportId, period, end), domain,
                entry.get().published(), entry.get().rows());
        int sent = 0;
        try {
            ReportMail mail = ReportMail.of(report, hostname, settings.orgName(hostname), clock.instant());
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

    private int send(Submission submission, ReportMail mail, Mailbox sender, String domain, ReportUri destination)
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
        stop.countDown();
        Thread running = ticker;
        if (running != null) {
            try {
                running.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            store.close();
        } catch (SQLException e) {
            log.warn("DMARC reports: closing {} failed: {}", DmarcStore.FILE, e.toString());
        }
    }
}
