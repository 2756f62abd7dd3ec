package dev.posthorn.mta.schedule;

import dev.posthorn.mta.bounce.Notifier;
import dev.posthorn.mta.bounce.RecipientReport;
import dev.posthorn.mta.delivery.DeliveryTrace;
import dev.posthorn.mta.delivery.Outcome;
import dev.posthorn.mta.delivery.Transport;
import dev.posthorn.mta.maillog.MailLog;
import dev.posthorn.mta.routing.Destination;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.Route;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.MessageBody;
import dev.posthorn.mta.spool.PgSpool;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Scan;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs delivery attempts for queued messages: now for new ones, at their next-attempt time for deferred ones. At
 * most {@code concurrency} attempts run at once; a message is never in two attempts at the same time.
 *
 * <p>At most {@code activeLimit} messages are held in memory ({@link ActiveSet}); the rest of the queue stays on
 * disk only, however long it is (a restart after an outage, a burst). As places free up the runner reads the queue
 * directory again ({@link DiskScan}) and loads the earliest-due messages. While messages wait on disk, a deferred
 * message goes back to disk rather than wait in memory, and a waiting one gives up its place to one that is due.
 *
 * <p>Recipients in other domains stay pending until outbound delivery exists. Recipients that fail for good are
 * reported to the sender ({@link Notifier}) before the message leaves the queue: none is dropped silently.
 */
public final class QueueRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueRunner.class);
    /** The shortest pause between scans for messages falling due on disk: a scan costs a look at every file. */
    static final Duration SCAN_PAUSE = Duration.ofSeconds(1);

    /** How often the queue directory is read even when nothing asked: finds messages another process committed. */
    static final Duration FALLBACK_SCAN = Duration.ofSeconds(60);

    /** What a pending recipient's diagnostic says after an attempt that threw (RFC 5321 4.2.3, RFC 3463 4.3.0). */
    static final String LOCAL_ERROR = "451 4.3.0 local error in processing";

    /** A deferral for TLS reasons ({@code 451 4.7.x}): no host gave the TLS the message needs. */
    private static final Pattern TLS_DEFERRAL = Pattern.compile("^4\\d\\d 4\\.7\\.");
    /**
     * RFC 8689 4.2.1, 6: a REQUIRETLS message that no next hop could take over validated TLS with REQUIRETLS
     * advertised fails, when the queue gives up, with 5.7.30 "REQUIRETLS support required" rather than 4.4.7.
     */
    private static final String REQUIRETLS_EXPIRED =
            "5.7.30 REQUIRETLS support required: no next hop met the requirements before the message expired; last: ";

    private final Spool spool;
    /** Attempts running now, by the parts they started with. */
    private final java.util.concurrent.ConcurrentMap<Parts, Integer> inUse =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Parts parts;
    private final Clock clock;
    private final QueueMetrics metrics;
    private final QueueControl control;
    /**
     * Messages whose state file an operator's command wrote before any attempt (see {@link #stated}): their removal
     * must look for it. Memory only: after a restart such a file is left behind at most, and the start-up sweep
     * removes it once its message is gone.
     */
    private final java.util.Set<String> stated = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Semaphore slots;
    private final ActiveSet active;
    private final AtomicInteger running = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("queue-timer").daemon(true).factory());
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("delivery-", 1).factory());
    private final DiskScan scans;
    private volatile boolean closed;

    /**
     * @param concurrency how many attempts may run at once
     * @param activeLimit how many messages may be held in memory at once (the {@code queue.active_limit} setting)
     */
    public QueueRunner(Spool spool, Router router, Notifier notifier, LocalTransports transports,
                       RetrySchedule retries, Clock clock, int concurrency, int activeLimit) {
        this(spool, new Parts(router, transports, notifier, retries), clock, concurrency, activeLimit,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    /**
     * @param parts       what attempts use, swappable as one ({@link #reconfigure})
     * @param concurrency how many attempts may run at once
     * @param activeLimit how many messages may be held in memory at once (the {@code queue.active_limit} setting)
     * @param registry    where the queue's meters go ({@link QueueMetrics})
     */
    public QueueRunner(Spool spool, Parts parts, Clock clock, int concurrency, int activeLimit,
                       io.micrometer.core.instrument.MeterRegistry registry) {
        this.spool = spool;
        this.parts = java.util.Objects.requireNonNull(parts, "parts");
        this.clock = clock;
        this.slots = new Semaphore(concurrency);
        this.active = new ActiveSet(activeLimit);
        this.metrics = new QueueMetrics(registry, spool, clock);
        this.control = new QueueControl(this);
        this.scans = new DiskScan(spool, active, clock, workers, timer, this::load);
    }

    /**
     * What a delivery attempt uses, swapped as one unit by a reload: an attempt runs to its end with the parts it
     * started with.
     *
     * @param router     where each recipient goes
     * @param transports how it gets there
     * @param notifier   the delivery status notifications
     * @param retries    when to try again, and when to give up
     */
    public record Parts(Router router, LocalTransports transports, Notifier notifier, RetrySchedule retries) {
        public Parts {
            java.util.Objects.requireNonNull(router, "router");
            java.util.Objects.requireNonNull(transports, "transports");
            java.util.Objects.requireNonNull(notifier, "notifier");
            java.util.Objects.requireNonNull(retries, "retries");
        }
    }

    /**
     * Uses {@code newParts} for every attempt that starts from now on; attempts running now finish with the parts
     * they started with. Returns the parts replaced (the caller closes their transports once those attempts end).
     */
    public Parts reconfigure(Parts newParts) {
        Parts old = parts;
        parts = java.util.Objects.requireNonNull(newParts, "newParts");
        return old;
    }

    /** Whether an attempt that started with {@code old} is still running (a reload closes them only after). */
    public boolean inUse(Parts old) {
        return inUse.containsKey(old);
    }

    /** The parts attempts use now. */
    Parts parts() {
        return parts;
    }

    /** The operator's commands on the queue (list, show, hold, release, delete, bounce, flush). */
    public QueueControl control() {
        return control;
    }

    /**
     * Starts on what the spool holds (after {@link Spool#clean()}): the earliest-due messages first. The queue
     * directory is also read every {@link #FALLBACK_SCAN}, so a message committed by another process (sendmail)
     * is found even when nobody says so.
     */
    public void start() {
        spool.listen(new Requests());
        active.onDisk(Instant.EPOCH);
        scans.now();
        timer.scheduleAtFixedRate(() -> {
            active.onDisk(clock.instant());
            scans.arm();
        }, FALLBACK_SCAN.toMillis(), FALLBACK_SCAN.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A newly committed message: attempt it now, or, when the active set is full, once a scan finds it. Now is this
     * runner's clock: the spool stamps a new message with the system's time, which a test's clock may be behind.
     */
    public void submit(QueuedMessage message) {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        Instant due = message.state().nextAttempt().isAfter(now) ? now : message.state().nextAttempt();
        if (active.claim(message.id(), due)) {
            hold(message, due);
        } else {
            releaseLease(message.id()); // a shared queue: any node may take it while this one is full
            scans.arm();
        }
    }

    /**
     * Delivers a message before it is queued, where that is as safe as queueing it first: its one recipient goes into
     * a Maildir here, it asks for no success report, and it is no mail loop. The copy is in the mailbox, forced, when
     * this returns; the receiver then answers 250 without committing the message to the spool, one force per message
     * fewer on the commonest local path. Returns the delivery's words for the mail log; empty, with nothing
     * delivered, when the message does not qualify or the delivery did not succeed: it is queued as any message, and
     * the queue's attempt says why.
     *
     * @param envelope the message's envelope, as it would be committed
     * @param body     the message as it would be delivered (the envelope's header fields on top)
     */
    public Optional<String> deliverAtOnce(SpoolEnvelope envelope, MessageBody body) {
        Parts used = parts;
        Optional<AtOnce> target = closed || envelope.recipients().size() != 1 ? Optional.empty()
                : atOnce(envelope.recipients().getFirst(), used);
        if (target.isEmpty() || envelope.receivedCount().isEmpty()
                || envelope.receivedCount().getAsInt() > used.transports().maxReceivedHeaders()) {
            return Optional.empty();
        }
        inUse.merge(used, 1, Integer::sum); // a reload closes these transports only after
        try {
            Destination.Mailbox mailbox = target.get().mailbox();
            Outcome outcome = used.transports().maildir(target.get().maildir(), mailbox).deliver(envelope,
                    List.of(mailbox.path()), body, new DeliveryTrace()).getFirst();
            if (!(outcome instanceof Outcome.Delivered)) {
                return Optional.empty();
            }
            metrics.attempted(outcome, "maildir");
            metrics.delivered(Duration.between(envelope.receivedAt(), clock.instant()));
            return Optional.of(outcome.diagnostic());
        } catch (RuntimeException e) {
            log.warn("{}: delivery before queueing failed; queued instead: {}", envelope.id(), LogText.escape(e));
            return Optional.empty();
        } finally {
            inUse.computeIfPresent(used, (p, n) -> n > 1 ? n - 1 : null);
        }
    }

    /**
     * Whether mail for {@code recipients} (as the receiver expanded them) qualifies for {@link #deliverAtOnce} as far
     * as its recipients tell: known before its body arrives, so the receiver can keep a small body in memory.
     */
    public boolean mayDeliverAtOnce(List<SpoolEnvelope.Recipient> recipients) {
        return !closed && recipients.size() == 1 && atOnce(recipients.getFirst(), parts).isPresent();
    }

    /** Where a recipient's copy goes when it qualifies for delivery before queueing. */
    private record AtOnce(LocalDelivery.Maildir maildir, Destination.Mailbox mailbox) {
    }

    /** One Maildir mailbox here, no success report asked for; empty otherwise. */
    private static Optional<AtOnce> atOnce(SpoolEnvelope.Recipient recipient, Parts used) {
        if (recipient.notifications().contains(DsnNotify.SUCCESS)
                || !(used.router().route(ForwardPath.of(recipient.address())) instanceof Route.Local local)
                || local.destinations().size() != 1
                || !(local.destinations().getFirst() instanceof Destination.Mailbox mailbox)
                || !(mailbox.domain().delivery() instanceof LocalDelivery.Maildir maildir)) {
            return Optional.empty();
        }
        return Optional.of(new AtOnce(maildir, mailbox));
    }

    /** How many messages are held in memory now (a gauge). */
    public int activeCount() {
        return active.size();
    }

    /** The most messages held in memory at once since start. */
    public int activePeak() {
        return active.peak();
    }

    /** A held message: started when due, else left waiting for its time. */
    private void hold(QueuedMessage message, Instant due) {
        if (closed) {
            return;
        }
        long delay = Duration.between(clock.instant(), due).toMillis();
        if (delay <= 0) {
            active.starting(message);
            workers.execute(() -> attempt(message));
            return;
        }
        active.waiting(message, due, ticket -> timer.schedule(() -> wake(message.id(), ticket), delay,
                TimeUnit.MILLISECONDS));
    }

    private void wake(String id, long ticket) {
        active.wake(id, ticket).ifPresent(message -> workers.execute(() -> attempt(message)));
    }

    /** Starts an attempt of a message the operator's command holds in its place ({@link ActiveSet#seize}). */
    void startNow(QueuedMessage message) {
        active.starting(message);
        workers.execute(() -> attempt(message));
    }

    /** Reads the queue directory now (after a flush made messages on disk due). */
    void scanNow() {
        scans.now();
    }

    /** Notes that an operator's command wrote a state file for message {@code id} before any attempt. */
    void stated(String id) {
        stated.add(id);
    }

    Spool spool() {
        return spool;
    }

    ActiveSet active() {
        return active;
    }

    Clock clock() {
        return clock;
    }

    QueueMetrics metrics() {
        return metrics;
    }

    private void attempt(QueuedMessage message) {
        if (closed) {
            return;
        }
        slots.acquireUninterruptibly();
        running.incrementAndGet();
        Parts used = parts;
        inUse.merge(used, 1, Integer::sum);
        try {
            if (!closed && mayDeliver(message.id())) {
                run(message, used);
            }
        } catch (RuntimeException e) {
            // A defect past the attempt itself: the spool's copy is the truth, read again when next due.
            log.error("{}: recording the attempt failed; retrying later", message.id(), e);
            released(message.id(), Optional.of(clock.instant().plus(used.retries().delayAfter(1))));
        } finally {
            inUse.computeIfPresent(used, (p, n) -> n > 1 ? n - 1 : null);
            running.decrementAndGet();
            slots.release();
        }
    }

    /**
     * Whether this node may still deliver the message (a shared queue: its lease holds); when not, the message leaves
     * memory (another node took it over) or waits a scan pause (the queue could not be asked).
     */
    private boolean mayDeliver(String id) {
        try {
            if (spool.mayDeliver(id)) {
                return true;
            }
            log.info("{}: taken over by another node; not attempted here", id);
            released(id, Optional.empty());
        } catch (IOException | RuntimeException e) {
            log.warn("{}: could not renew its lease; trying again later: {}", id, LogText.escape(e));
            released(id, Optional.of(clock.instant().plus(SCAN_PAUSE)));
        }
        return false;
    }

    /** Runs one attempt and records its outcome; an attempt that throws is recorded as one that failed for now. */
    private void run(QueuedMessage message, Parts used) {
        Attempt attempt = new Attempt(message, spool, used.router(), used.transports());
        DeliveryState after;
        try {
            after = attempt.run();
        } catch (IOException | RuntimeException e) {
            log.error("{}: delivery attempt failed; retrying later", message.id(), e);
            failed(message, used);
            return;
        }
        metrics.count(message, attempt, after, clock.instant());
        finish(message, after, attempt.successes(), attempt, used);
    }

    /**
     * An attempt that threw counts as an attempt, so backoff lengthens and the message expires: its pending
     * recipients are deferred with a local error. The state is the spool's, not the one the attempt started with:
     * recipients it delivered and recorded are not delivered again (and get no success report, as after a crash).
     */
    private void failed(QueuedMessage message, Parts used) {
        QueuedMessage current;
        try {
            Optional<QueuedMessage> recorded = spool.load(message.id());
            if (recorded.isEmpty()) {
                released(message.id(), Optional.empty()); // removed meanwhile
                return;
            }
            current = recorded.get();
        } catch (IOException | RuntimeException e) {
            log.warn("{}: could not read its state again: {}", message.id(), LogText.escape(e));
            current = message;
        }
        DeliveryState state = current.state();
        for (int i = 0; i < state.recipients().size(); i++) {
            if (state.recipients().get(i).status() == DeliveryState.Status.PENDING) {
                state = state.with(i, DeliveryState.Status.PENDING, LOCAL_ERROR);
                MailLog.deferred(current.id(), current.envelope().recipients().get(i).address().toString(),
                        LOCAL_ERROR);
            }
        }
        finish(current, state, Map.of(), null, used);
    }

    /**
     * Records the outcome of an attempt, queues the reports it calls for, and decides what happens to the message
     * next: removed once no recipient is pending (failures have been reported), else kept for the next attempt.
     * The spool is written before the message leaves memory, so a scan never loads an outdated copy.
     *
     * @param successes what success reports say of the recipients delivered (see {@link Attempt#successes()})
     * @param attempt   the attempt, for its history; null for one that threw
     */
    private void finish(QueuedMessage message, DeliveryState state, Map<Integer, RecipientReport.Action> successes,
                        Attempt attempt, Parts used) {
        Instant now = clock.instant();
        RetrySchedule retries = used.retries();
        if (retries.expired(message.envelope().receivedAt(), now)) {
            state = expire(message, state);
        }
        Notifier.Result notified;
        try {
            notified = used.notifier().notify(message, message.state(), state, successes, now,
                    retries.delayNoticeDue(message.envelope().receivedAt(), now));
        } catch (IOException | RuntimeException e) {
            // Nothing recorded but the attempt's early progress: the spool's copy is read again when next due (a
            // report queued before the failure may be sent again; reports are not transactional).
            log.error("{}: could not queue its reports; retrying later", message.id(), e);
            released(message.id(), Optional.of(now.plus(retries.delayAfter(message.state().attempts() + 1))));
            return;
        }
        notified.reports().forEach(this::submit);
        notified.kinds().forEach(metrics::report);
        state = notified.state();
        state = state.attempted(now.plus(retries.delayAfter(state.attempts() + 1)));
        record(message, state, attempt, used, now);
    }

    /**
     * Writes the state after an attempt (whose reports are queued). When the spool cannot be written the message
     * stays in memory with that state, never the one from before: a later attempt neither delivers nor reports again
     * what this one did (it writes the state, or removes the finished message).
     */
    private void record(QueuedMessage message, DeliveryState state, Attempt attempt, Parts used, Instant now) {
        QueuedMessage updated = message.with(state);
        boolean touched = stated.remove(message.id());
        try {
            if (state.isFinished()) {
                spool.remove(message, message.state().attempts() > 0 || attempt == null || attempt.savedState()
                        || touched);
                MailLog.removed(message.id());
                released(message.id(), Optional.empty());
                return;
            }
            spool.save(message.id(), state);
        } catch (PgSpool.LeaseLost e) {
            // Another node took the message over while this attempt ran (this node stalled past its lease): its
            // record stands; this node forgets the message.
            log.warn("{}: {}", message.id(), e.getMessage());
            released(message.id(), Optional.empty());
            return;
        } catch (IOException | RuntimeException e) {
            log.error("{}: could not record the attempt; retrying later", message.id(), e);
            stated.add(message.id());
            hold(updated, state.nextAttempt());
            return;
        }
        if (attempt != null) {
            AttemptHistory.append(spool, message, attempt, state, now);
        }
        if (active.diskDue().isPresent()) {
            released(message.id(), Optional.of(state.nextAttempt())); // others wait on disk: no place for waiting
        } else {
            hold(updated, state.nextAttempt());
        }
    }

    void released(String id, Optional<Instant> queuedUntil) {
        giveBack(id, queuedUntil);
        scans.placeFreed();
    }

    /** Gives the message's place in memory back; a shared queue gets this node's lease on it back too. */
    private void giveBack(String id, Optional<Instant> queuedUntil) {
        active.release(id, queuedUntil);
        releaseLease(id);
    }

    private void releaseLease(String id) {
        try {
            spool.released(id);
        } catch (IOException | RuntimeException e) {
            log.warn("{}: giving up its lease failed (it runs out by itself): {}", id, LogText.escape(e));
        }
    }

    /** Loads a message a scan claimed a place for; one that has nothing to do now gives its place back. */
    private void load(Scan.Due due) throws IOException {
        Optional<QueuedMessage> loaded;
        try {
            loaded = spool.load(due.id());
        } catch (IOException | RuntimeException e) {
            giveBack(due.id(), Optional.of(clock.instant().plus(SCAN_PAUSE)));
            throw e;
        }
        if (loaded.isEmpty()) {
            giveBack(due.id(), Optional.empty()); // delivered meanwhile
            return;
        }
        QueuedMessage message = loaded.get();
        DeliveryState state = message.state();
        RetrySchedule retries = parts.retries();
        if (state.held()) {
            giveBack(message.id(), Optional.empty()); // the operator's: never attempted until released
        } else if (state.attempts() > 0 && state.isFinished()) {
            // Nothing pending (every recipient recorded, the removal not done): looked at again after the longest
            // retry interval.
            state = state.dueAt(clock.instant().plus(retries.intervals().getLast()));
            spool.save(message.id(), state);
            giveBack(message.id(), Optional.of(state.nextAttempt()));
        } else if (state.attempts() > 0 && state.nextAttempt().isAfter(due.at().plus(SCAN_PAUSE))) {
            // The file's time says due, the state says later (written before file times told): set it right.
            spool.save(message.id(), state);
            giveBack(message.id(), Optional.of(state.nextAttempt()));
        } else {
            hold(message, state.nextAttempt());
        }
    }

    private static DeliveryState expire(QueuedMessage message, DeliveryState state) {
        for (int i = 0; i < state.recipients().size(); i++) {
            if (state.recipients().get(i).status() == DeliveryState.Status.PENDING) {
                String last = state.recipients().get(i).diagnostic();
                String why = (message.envelope().parameters().requireTls() && TLS_DEFERRAL.matcher(last).find()
                        ? REQUIRETLS_EXPIRED : "4.4.7 message expired in queue; last: ") + last;
                state = state.with(i, DeliveryState.Status.FAILED, why);
                MailLog.failed(message.id(), message.envelope().recipients().get(i).address().toString(), why);
            }
        }
        return state;
    }

    /**
     * Starts at once the messages waiting in memory for a later attempt that {@code flush} names. Returns how many
     * were started.
     */
    int startWaiting(QueueControl.Flush flush) {
        int started = 0;
        for (QueuedMessage message : active.waitingMessages()) {
            if (flush.names(message)) {
                Optional<QueuedMessage> woken = active.wake(message.id(), ActiveSet.ANY);
                if (woken.isPresent()) {
                    started++;
                    startNow(woken.get());
                }
            }
        }
        return started;
    }

    /** What the other nodes sharing the queue ask of this one (a shared queue's thread calls: nothing blocks). */
    private final class Requests implements Spool.Requests {
        @Override
        public void giveUp(String id) {
            if (closed) {
                return; // stopping: its leases end with it
            }
            workers.execute(() -> {
                try {
                    // After an attempt running now: another node's operator command must not race it.
                    ActiveSet.Seizure seizure = active.seize(id, QueueControl.PATIENCE);
                    if (seizure.seized()) {
                        log.info("{}: given up to another node's operator command", id);
                        released(id, Optional.empty());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        @Override
        public void flush(Optional<String> domain, boolean subdomains) {
            if (closed) {
                return;
            }
            int started = startWaiting(new QueueControl.Flush(domain, subdomains));
            log.info("flush on another node{}: {} messages waiting here started",
                    domain.map(d -> " for " + LogText.escape(d)).orElse(""), started);
            scans.now();
        }
    }

    /** Whether any attempt is running (for tests and shutdown). */
    public boolean isIdle() {
        return running.get() == 0;
    }

    /** Stops starting attempts; waits up to {@code deadline} for running ones, which are then left queued. */
    public void shutdown(Duration deadline) {
        closed = true;
        scans.close();
        timer.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }

    /**
     * The transports: a Maildir per mailbox, an LMTP client per server, and SMTP (or a route) to other domains.
     */
    public interface LocalTransports {
        /** The Maildir of {@code mailbox}, under the domain's mail root. */
        Transport maildir(LocalDelivery.Maildir maildir, Destination.Mailbox mailbox);

        /** The LMTP server of a domain that delivers there. */
        Transport lmtp(LocalDelivery.Lmtp lmtp);

        /**
         * Other domains: routes, the smarthost, or the exchangers
         * ({@link dev.posthorn.mta.delivery.RemoteDelivery}).
         */
        Transport remote();

        /** RFC 5321 6.3: more Received fields than this means a mail loop. */
        int maxReceivedHeaders();
    }
}
