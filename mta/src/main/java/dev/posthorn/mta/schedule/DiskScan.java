package dev.posthorn.mta.schedule;

import dev.posthorn.mta.spool.Scan;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue runner's reads of the queue directory ({@link Spool#scan}): the earliest-due messages on disk are claimed
 * in the active set's free places (and those of messages that only wait) and handed to the runner's loader. A scan
 * reads names and file times, never message contents; it runs when a quarter of the places are free, or when a
 * message on disk falls due, at most once every {@link QueueRunner#SCAN_PAUSE} for the latter. One scan at a time;
 * a request during a scan makes it scan again.
 */
final class DiskScan {

    private static final Logger log = LoggerFactory.getLogger(DiskScan.class);

    /** What the runner does with a message a scan claimed a place for. */
    interface Loader {
        void load(Scan.Due due) throws IOException;
    }

    private final Spool spool;
    private final ActiveSet active;
    private final Clock clock;
    private final Executor workers;
    private final ScheduledExecutorService timer;
    private final Loader loader;
    private final AtomicBoolean scanning = new AtomicBoolean();
    private volatile boolean rescan;
    private volatile boolean closed;
    private volatile Instant lastScan = Instant.EPOCH;
    private ScheduledFuture<?> scanTimer;
    private Instant scanAt;

    DiskScan(Spool spool, ActiveSet active, Clock clock, Executor workers, ScheduledExecutorService timer,
             Loader loader) {
        this.spool = spool;
        this.active = active;
        this.clock = clock;
        this.workers = workers;
        this.timer = timer;
        this.loader = loader;
    }

    /** Reads the queue directory now, on a worker. */
    void now() {
        workers.execute(this::refill);
    }

    /** After a place was given back: scans now when enough places are free and a message on disk is due. */
    void placeFreed() {
        Optional<Instant> due = active.diskDue();
        if (due.isPresent() && !due.get().isAfter(clock.instant()) && active.free() >= refillAt()) {
            now();
        } else {
            arm();
        }
    }

    /** No scan starts from now on. */
    void close() {
        closed = true;
    }

    /** Scans when this many places are free: a quarter of the set, so a long queue is read a few times, not once per message. */
    private int refillAt() {
        return Math.max(1, active.limit() / 4);
    }

    /** Reads the queue directory and loads the earliest-due messages into the free places. */
    private void refill() {
        if (closed) {
            return;
        }
        if (!scanning.compareAndSet(false, true)) {
            rescan = true;
            return;
        }
        try {
            do {
                rescan = false;
                lastScan = clock.instant();
                int room = active.beginScan();
                try {
                    Scan scan = spool.scan(lastScan, room, active::contains);
                    for (Scan.Due due : scan.due()) {
                        if (active.claim(due.id(), due.at())) {
                            try {
                                loader.load(due);
                            } catch (IOException | RuntimeException e) {
                                // This one is looked at again later (the loader put it back on disk); the messages
                                // due after it are not held up behind it.
                                log.warn("{}: cannot be loaded; trying again later: {}", due.id(),
                                        LogText.escape(e));
                            }
                        }
                    }
                    scan.next().ifPresent(active::onDisk);
                } catch (IOException | RuntimeException e) {
                    log.error("queue scan failed; trying again later", e);
                    active.onDisk(lastScan);
                }
            } while (rescan && !closed);
        } finally {
            scanning.set(false);
        }
        arm();
    }

    /** Sets the timer for the next scan: when the earliest message on disk falls due, not sooner than a pause. */
    synchronized void arm() {
        Optional<Instant> due = active.diskDue();
        if (due.isEmpty() || closed) {
            return;
        }
        Instant at = due.get().isBefore(lastScan.plus(QueueRunner.SCAN_PAUSE))
                ? lastScan.plus(QueueRunner.SCAN_PAUSE) : due.get();
        if (scanTimer != null && !scanTimer.isDone() && !scanAt.isAfter(at)) {
            return;
        }
        if (scanTimer != null) {
            scanTimer.cancel(false);
        }
        scanAt = at;
        scanTimer = timer.schedule(() -> workers.execute(this::timedRefill),
                Math.max(0, Duration.between(clock.instant(), at).toMillis()), TimeUnit.MILLISECONDS);
    }

    /** A scan the timer asked for: only worth it when places are free or held by messages that only wait. */
    private void timedRefill() {
        if (active.free() > 0 || !active.waitingMessages().isEmpty()) {
            refill();
        }
    }
}
