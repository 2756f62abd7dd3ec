package dev.posthorn.mta.reports;

import java.time.Duration;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * When reports are looked for: at start and then every quarter interval (at most every five minutes, at least every
 * 250 ms), on a virtual thread of its own. Intervals start at multiples of their length since the epoch, so a day
 * starts at midnight UTC (RFC 7489 7.2, RFC 8460 4.1).
 */
final class Ticker implements AutoCloseable {

    /**
     * One report run at a time in this process: a reload's new setup runs its reporters beside the retiring one's,
     * over the same store files; the second to come finds the data already forgotten.
     */
    static final ReentrantLock RUNS = new ReentrantLock();

    private static final Duration MAX_TICK = Duration.ofMinutes(5);
    private static final Duration MIN_TICK = Duration.ofMillis(250);

    private final Thread thread;
    /** Counted down by {@link #close()}: ends the wait without interrupting a run (a spool write would fail). */
    private final CountDownLatch stop;

    private Ticker(Thread thread, CountDownLatch stop) {
        this.thread = thread;
        this.stop = stop;
    }

    /** Starts running {@code run} (under {@link #RUNS}) at once and then every tick of {@code interval}. */
    static Ticker start(String name, Duration interval, Runnable run) {
        Duration quarter = interval.dividedBy(4);
        Duration tick = quarter.compareTo(MAX_TICK) > 0 ? MAX_TICK : quarter.compareTo(MIN_TICK) < 0 ? MIN_TICK
                : quarter;
        CountDownLatch stop = new CountDownLatch(1);
        Thread thread = Thread.ofVirtual().name(name).unstarted(() -> {
            do {
                RUNS.lock();
                try {
                    run.run();
                } finally {
                    RUNS.unlock();
                }
                try {
                    if (stop.await(tick.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                }
            } while (true);
        });
        Ticker ticker = new Ticker(thread, stop);
        thread.start();
        return ticker;
    }

    /** The counts a reporter keeps, by interval and domain. */
    interface Counts {
        /** The intervals that began before {@code before} and still hold counts, oldest first. */
        List<Instant> periodsBefore(Instant before) throws SQLException;

        /** The domains with counts in the interval starting at {@code period}. */
        List<String> domains(Instant period) throws SQLException;
    }

    /** Sends one domain's report of one interval. */
    interface Report {
        /** @return the destinations it went to */
        int send(Instant period, String domain) throws SQLException;
    }

    /**
     * Sends the report of every domain in every interval that ended before {@code current}, oldest first, until
     * {@code stop} says so (between domains).
     *
     * @return the destinations the reports went to
     */
    static int sendEnded(Counts counts, Instant current, BooleanSupplier stop, Report report) throws SQLException {
        int sent = 0;
        for (Instant period : counts.periodsBefore(current)) {
            for (String domain : counts.domains(period)) {
                if (stop.getAsBoolean()) {
                    return sent;
                }
                sent += report.send(period, domain);
            }
        }
        return sent;
    }

    /** A report's id: its interval, domain and this server; the same when a crash makes it go twice. */
    static String reportId(Instant period, String domain, String hostname) {
        return period.getEpochSecond() + "." + domain + "@" + hostname;
    }

    /** The start of the interval {@code time} falls in. */
    static Instant periodOf(Instant time, Duration interval) {
        long length = interval.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(time.getEpochSecond(), length) * length);
    }

    /** Stops ticking; a run under way finishes first (waited for up to ten seconds). */
    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
