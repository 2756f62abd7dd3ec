package dev.posthorn.mta.schedule;

import dev.posthorn.mta.admin.MailLog;
import dev.posthorn.mta.bounce.Notifier;
import dev.posthorn.mta.config.Delivery;
import dev.posthorn.mta.delivery.Lmtp;
import dev.posthorn.mta.delivery.Outcome;
import dev.posthorn.mta.delivery.Outbound;
import dev.posthorn.mta.routing.Destination;
import dev.posthorn.mta.routing.Route;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs delivery attempts for queued messages: now for new ones, at their next-attempt time for deferred ones. At
 * most {@code concurrency} attempts run at once; a message is never in two attempts at the same time.
 *
 * <p>Recipients in other domains stay pending until outbound delivery exists. Recipients that fail for good are
 * reported to the sender ({@link Notifier}) before the message leaves the queue: none is dropped silently.
 */
public final class QueueRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueRunner.class);

    private final Spool spool;
    private final Router router;
    private final Notifier notifier;
    private final LocalTransports transports;
    private final RetrySchedule retries;
    private final Clock clock;
    private final Semaphore slots;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final java.util.Map<String, QueuedMessage> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("queue-timer").daemon(true).factory());
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("delivery-", 1).factory());
    private volatile boolean closed;

    public QueueRunner(Spool spool, Router router, Notifier notifier, LocalTransports transports,
                       RetrySchedule retries, Clock clock, int concurrency) {
        this.spool = spool;
        this.router = router;
        this.notifier = notifier;
        this.transports = transports;
        this.retries = retries;
        this.clock = clock;
        this.slots = new Semaphore(concurrency);
    }

    /** Queues messages recovered at start-up, each at its next-attempt time. */
    public void recover(List<QueuedMessage> messages) {
        for (QueuedMessage message : messages) {
            if (message.state().attempts() == 0 || hasLocalPending(message)) {
                schedule(message, Duration.between(clock.instant(), message.state().nextAttempt()));
            }
        }
    }

    /** A newly committed message: attempt it now. */
    public void submit(QueuedMessage message) {
        schedule(message, Duration.ZERO);
    }

    private void schedule(QueuedMessage message, Duration delay) {
        if (closed) {
            return;
        }
        if (delay.isNegative() || delay.isZero()) {
            workers.execute(() -> attempt(message));
        } else {
            waiting.put(message.id(), message);
            // Only the copy still waiting runs: one that ETRN started already has left the map.
            timer.schedule(() -> {
                if (waiting.remove(message.id(), message)) {
                    workers.execute(() -> attempt(message));
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void attempt(QueuedMessage message) {
        if (closed || !running.add(message.id())) {
            return;
        }
        slots.acquireUninterruptibly();
        try {
            if (!closed) {
                finish(message, new Attempt(message, spool, router, transports).run());
            }
        } catch (IOException | RuntimeException e) {
            log.error("{}: delivery attempt failed; retrying later", message.id(), e);
            schedule(message, retries.delayAfter(message.state().attempts() + 1));
        } finally {
            slots.release();
            running.remove(message.id());
        }
    }

    /**
     * Records the outcome of an attempt, queues the reports it calls for, and decides what happens to the message
     * next: removed once no recipient is pending (failures have been reported), else kept for the next attempt.
     */
    private void finish(QueuedMessage message, DeliveryState state) throws IOException {
        Instant now = clock.instant();
        if (now.isAfter(message.envelope().receivedAt().plus(retries.maxLifetime()))) {
            state = expire(message, state);
        }
        Notifier.Result notified = notifier.notify(message, message.state(), state, now, retries.delayNotice());
        notified.reports().forEach(this::submit);
        state = notified.state();
        int attempts = state.attempts() + 1;
        Duration delay = retries.delayAfter(attempts);
        state = state.attempted(now.plus(delay));
        QueuedMessage updated = message.with(state);
        if (state.isFinished()) {
            spool.remove(message);
            MailLog.removed(message.id());
            return;
        }
        spool.save(message.id(), state);
        if (hasLocalPending(updated)) {
            schedule(updated, delay);
        }
    }

    private static DeliveryState expire(QueuedMessage message, DeliveryState state) {
        for (int i = 0; i < state.recipients().size(); i++) {
            if (state.recipients().get(i).status() == DeliveryState.Status.PENDING) {
                String why = "4.4.7 message expired in queue; last: " + state.recipients().get(i).diagnostic();
                state = state.with(i, DeliveryState.Status.FAILED, why);
                MailLog.failed(message.id(), message.envelope().recipients().get(i).address(), why);
            }
        }
        return state;
    }

    /** Whether a pending recipient can be tried (remote ones only when mail may leave this host). */
    private boolean hasLocalPending(QueuedMessage message) {
        for (int i = 0; i < message.state().recipients().size(); i++) {
            if (message.state().recipients().get(i).status() == DeliveryState.Status.PENDING
                    && (transports.remote() != null || !(Attempt.route(router,
                    message.envelope().recipients().get(i).address()) instanceof Route.Remote))) {
                return true;
            }
        }
        return false;
    }

    /**
     * ETRN (RFC 1985): starts at once the waiting messages with a pending recipient in {@code domain} (and, when
     * {@code subdomains}, in any domain below it). Returns how many were started.
     */
    public int flush(String domain, boolean subdomains) {
        String wanted = domain.toLowerCase(java.util.Locale.ROOT);
        int started = 0;
        for (QueuedMessage message : List.copyOf(waiting.values())) {
            for (int i = 0; i < message.state().recipients().size(); i++) {
                String address = message.envelope().recipients().get(i).address();
                String rcptDomain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
                boolean match = rcptDomain.equals(wanted) || subdomains && rcptDomain.endsWith("." + wanted);
                if (match && message.state().recipients().get(i).status() == DeliveryState.Status.PENDING) {
                    if (waiting.remove(message.id(), message)) {
                        started++;
                        workers.execute(() -> attempt(message));
                    }
                    break;
                }
            }
        }
        return started;
    }

    /** Whether any attempt is running (for tests and shutdown). */
    public boolean isIdle() {
        return running.isEmpty();
    }

    /** Stops starting attempts; waits up to {@code deadline} for running ones, which are then left queued. */
    public void shutdown(Duration deadline) {
        closed = true;
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
     * The transports: a Maildir per mailbox, an LMTP client per server, and SMTP to other domains ({@code null}
     * where mail is not to leave this host).
     */
    public interface LocalTransports {
        Outcome maildir(Delivery.Maildir maildir, Destination.Mailbox mailbox, QueuedMessage message, Spool spool);

        Lmtp lmtp(Delivery.Lmtp lmtp);

        Outbound remote();

        /** RFC 5321 6.3: more Received fields than this means a mail loop. */
        int maxReceivedHeaders();
    }
}
