package dev.posthorn.mta.schedule;

import dev.posthorn.mta.bounce.Notifier;
import dev.posthorn.mta.maillog.MailLog;
import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.spool.SpoolEnvelope;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's commands on the queue (Postfix's postqueue and postsuper): list, show, hold, release, delete,
 * bounce, flush. The spool is the truth; the runner's in-memory {@link ActiveSet} is asked so that a command never
 * races an attempt: a command that changes a message first {@linkplain ActiveSet#seize seizes} it, which waits for
 * an attempt running now to end (at most {@link #PATIENCE}, then the answer is {@link Result#BUSY}), and no attempt
 * starts and no scan loads it until the command is done.
 *
 * <p>A held message stays held across restarts (its state file says so, and its time is one no scan reaches); it is
 * never attempted until released. Bounce fails every pending recipient with {@link #BOUNCED} and tells the sender
 * through the {@link Notifier}, as an expiry would; delete removes the message and tells nobody.
 *
 * <p>On a queue several nodes share, a command works on any node's message: after seizing it here it
 * {@linkplain Spool#take takes} it, asking the node that holds it to give it up (that node, too, lets an attempt
 * running there end first), so no node attempts it while the command works; a flush tells the other nodes to start
 * what waits in their memory.
 */
public final class QueueControl {

    private static final Logger log = LoggerFactory.getLogger(QueueControl.class);

    /** How long a command waits for an attempt running now to end before answering busy. */
    static final Duration PATIENCE = Duration.ofSeconds(30);
    /** The diagnostic of a recipient the operator bounced (RFC 3463 5.0.0: other undefined status). */
    public static final String BOUNCED = "5.0.0 bounced by the administrator";

    /** Where a queued message stands, as listed. */
    public enum State {
        /** Being delivered now, or due (new, or a retry whose time has come). */
        ACTIVE,
        /** Waiting for its next retry. */
        DEFERRED,
        /** Held by the operator. */
        HELD
    }

    /** What a command did. */
    public enum Result {
        DONE,
        /** No message with that id in the queue. */
        NOT_FOUND,
        /** An attempt of the message ran for longer than {@link #PATIENCE}; nothing was done. */
        BUSY,
        /** Flush of a held message: nothing was done (release it first). */
        HELD
    }

    /**
     * Which messages a list shows; every present filter must match.
     *
     * @param state     only messages in this state
     * @param sender    the reverse path contains this (case-insensitive)
     * @param recipient a recipient address contains this (case-insensitive)
     * @param domain    a recipient is in this domain
     * @param minAge    queued at least this long
     * @param limit     at most this many messages, oldest first
     */
    public record Filter(Optional<State> state, Optional<String> sender, Optional<String> recipient,
                         Optional<String> domain, Optional<Duration> minAge, int limit) {
        public static final int MAX_LIMIT = 10_000;

        public Filter {
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
            }
        }

        /** Every message, up to the default limit. */
        public static Filter all() {
            return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), 1000);
        }
    }

    /**
     * Which messages a flush makes due: those with a pending recipient in {@code domain} (and, when
     * {@code subdomains}, in a domain below it, as ETRN's {@code @domain} asks); every message when it is empty.
     */
    public record Flush(Optional<String> domain, boolean subdomains) {
        public Flush {
            domain = domain.map(d -> d.toLowerCase(Locale.ROOT));
        }

        /** Whether {@code message} has a pending recipient the flush names. */
        boolean names(QueuedMessage message) {
            if (domain.isEmpty()) {
                return true;
            }
            String wanted = domain.get();
            for (int i = 0; i < message.state().recipients().size(); i++) {
                String rcptDomain = message.envelope().recipients().get(i).domain();
                if (message.state().recipients().get(i).status() == DeliveryState.Status.PENDING
                        && (rcptDomain.equals(wanted) || subdomains && rcptDomain.endsWith("." + wanted))) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * One queued message as the operator sees it.
     *
     * @param message the message with its delivery state
     * @param state   where it stands
     * @param history its attempt history, one JSON object a line, oldest first (empty in a list)
     */
    public record Entry(QueuedMessage message, State state, List<String> history, Optional<String> node) {
    }

    private final QueueRunner runner;

    QueueControl(QueueRunner runner) {
        this.runner = runner;
    }

    /** The queued messages the filter lets through, oldest first. */
    public List<Entry> list(Filter filter) throws IOException {
        Spool spool = runner.spool();
        Instant now = runner.clock().instant();
        List<Entry> out = new ArrayList<>();
        java.util.Map<String, String> holders = spool.holders();
        for (String id : spool.ids(Integer.MAX_VALUE)) {
            if (out.size() >= filter.limit()) {
                break;
            }
            Optional<QueuedMessage> message = spool.peek(id);
            if (message.isPresent() && matches(message.get(), filter, now)) {
                State state = stateOf(message.get(), now);
                if (filter.state().isEmpty() || filter.state().get() == state) {
                    out.add(new Entry(message.get(), state, List.of(), Optional.ofNullable(holders.get(id))));
                }
            }
        }
        return out;
    }

    /** One message with its attempt history; empty when it is not in the queue. */
    public Optional<Entry> show(String id) throws IOException {
        if (!SpoolEnvelope.isId(id)) {
            return Optional.empty();
        }
        Optional<QueuedMessage> message = runner.spool().peek(id);
        if (message.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Entry(message.get(), stateOf(message.get(), runner.clock().instant()),
                runner.spool().history(id), runner.spool().holder(id)));
    }

    /** Holds message {@code id}: no attempt until {@link #release}. */
    public Result hold(String id) throws IOException {
        return seized(id, message -> {
            if (!message.state().held()) {
                runner.spool().save(id, message.state().held(true, message.state().nextAttempt()));
                runner.stated(id);
                log.info("{}: held by the operator", id);
            }
            runner.released(id, Optional.empty());
            return Result.DONE;
        });
    }

    /** Releases a held message and attempts it now (a message not held is attempted now too). */
    public Result release(String id) throws IOException {
        return seized(id, message -> {
            DeliveryState state = message.state().held(false, runner.clock().instant());
            if (message.state().held()) {
                runner.spool().save(id, state);
                runner.stated(id);
                log.info("{}: released by the operator", id);
            }
            runner.startNow(message.with(state));
            return Result.DONE;
        });
    }

    /** Removes message {@code id} from the queue; nobody is told. */
    public Result delete(String id) throws IOException {
        return seized(id, message -> {
            runner.spool().remove(id, true);
            MailLog.removed(id);
            log.info("{}: deleted by the operator", id);
            runner.released(id, Optional.empty());
            return Result.DONE;
        });
    }

    /**
     * Fails every pending recipient of message {@code id} with {@link #BOUNCED} (recorded in the spool first), queues
     * the report to the sender (as for any failure; none for the null reverse path), and removes the message.
     */
    public Result bounce(String id) throws IOException {
        return seized(id, message -> {
            DeliveryState before = message.state();
            DeliveryState after = before;
            for (int i = 0; i < before.recipients().size(); i++) {
                if (before.recipients().get(i).status() == DeliveryState.Status.PENDING) {
                    after = after.with(i, DeliveryState.Status.FAILED, BOUNCED);
                    MailLog.failed(id, message.envelope().recipients().get(i).address().toString(), BOUNCED);
                }
            }
            // Failed on disk before the report is queued: a crash in between may lose the report, but never
            // tells the sender "failed" of a message that is then delivered after all.
            runner.spool().save(id, after);
            Instant now = runner.clock().instant();
            Notifier.Result notified = runner.parts().notifier().notify(message, before, after, Map.of(), now,
                    false);
            notified.reports().forEach(runner::submit);
            notified.kinds().forEach(runner.metrics()::report);
            runner.spool().remove(id, true);
            MailLog.removed(id);
            runner.released(id, Optional.empty());
            return Result.DONE;
        });
    }

    /** Attempts message {@code id} now, whatever its retry time; a held message is left held ({@link Result#HELD}). */
    public Result flush(String id) throws IOException {
        return seized(id, message -> {
            if (message.state().held()) {
                runner.released(id, Optional.empty());
                return Result.HELD;
            }
            runner.startNow(message);
            return Result.DONE;
        });
    }

    /**
     * Makes every deferred message due now (those with a pending recipient in {@code domain}, when given) and has
     * the runner read the queue: at most the active limit is loaded at once, the rest follows as places free up.
     * Held messages and messages being delivered now are left alone. Returns how many messages were made due.
     */
    public int flush(Optional<String> domain) throws IOException {
        return flush(new Flush(domain, false));
    }

    /**
     * Makes the deferred messages {@code flush} names due now: those waiting in this node's memory start at once,
     * those in the queue only are written due now and read by the next scan, and the other nodes sharing the queue
     * are told to start theirs. Held messages and messages being delivered now are left alone. Returns how many
     * messages were made due (on every node).
     */
    public int flush(Flush flush) throws IOException {
        Spool spool = runner.spool();
        Instant now = runner.clock().instant();
        ActiveSet active = runner.active();
        int count = runner.startWaiting(flush);
        for (String id : spool.ids(Integer.MAX_VALUE)) {
            Optional<QueuedMessage> seen = active.contains(id) ? Optional.empty() : spool.peek(id);
            if (seen.isEmpty() || seen.get().state().held() || !seen.get().state().nextAttempt().isAfter(now)
                    || !flush.names(seen.get())) {
                continue;
            }
            if (makeDue(id, now)) {
                count++;
            }
        }
        spool.flushed(flush.domain(), flush.subdomains());
        runner.scanNow();
        return count;
    }

    /**
     * Rewrites a deferred message in the queue as due now, unless an attempt or a command has it. One that another
     * node holds waits in that node's memory: {@link Spool#flushed} tells it to start it, and it counts.
     */
    private boolean makeDue(String id, Instant now) throws IOException {
        ActiveSet.Seizure seizure = seize(id, Duration.ZERO);
        if (!seizure.seized()) {
            return false;
        }
        try {
            if (!runner.spool().take(id, Duration.ZERO)) {
                runner.released(id, Optional.empty());
                return true;
            }
            Optional<QueuedMessage> message = runner.spool().load(id);
            if (message.isEmpty() || message.get().state().held()) {
                runner.released(id, Optional.empty());
                return false;
            }
            runner.spool().save(id, message.get().state().dueAt(now));
            runner.released(id, Optional.of(now));
            return true;
        } catch (IOException | RuntimeException e) {
            runner.released(id, Optional.of(now));
            throw e;
        }
    }

    /** A command's work on a seized message. */
    @FunctionalInterface
    private interface Work {
        Result on(QueuedMessage message) throws IOException;
    }

    /**
     * Seizes message {@code id}, loads it from the spool and does {@code work}, which gives the place back (or starts
     * an attempt in it). Not found, busy, and a failure of the work give the place back here.
     */
    private Result seized(String id, Work work) throws IOException {
        if (!SpoolEnvelope.isId(id) || !runner.spool().contains(id)) {
            return Result.NOT_FOUND;
        }
        ActiveSet.Seizure seizure = seize(id, PATIENCE);
        if (!seizure.seized()) {
            return Result.BUSY;
        }
        try {
            if (!runner.spool().take(id, PATIENCE)) {
                runner.released(id, Optional.empty()); // another node delivers it still (or does not answer)
                return Result.BUSY;
            }
            Optional<QueuedMessage> message = runner.spool().load(id);
            if (message.isEmpty()) {
                runner.released(id, Optional.empty());
                return Result.NOT_FOUND;
            }
            return work.on(message.get());
        } catch (IOException | RuntimeException e) {
            runner.released(id, Optional.of(runner.clock().instant()));
            throw e;
        }
    }

    private ActiveSet.Seizure seize(String id, Duration patience) throws IOException {
        try {
            return runner.active().seize(id, patience);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the attempt of " + id);
        }
    }

    private State stateOf(QueuedMessage message, Instant now) {
        if (message.state().held()) {
            return State.HELD;
        }
        return runner.active().running(message.id()) || !message.state().nextAttempt().isAfter(now) ? State.ACTIVE
                : State.DEFERRED;
    }

    private static boolean matches(QueuedMessage message, Filter filter, Instant now) {
        SpoolEnvelope envelope = message.envelope();
        String sender = envelope.sender().isNull() ? "" : envelope.sender().mailbox().toString();
        if (filter.sender().isPresent() && !contains(sender, filter.sender().get())) {
            return false;
        }
        if (filter.recipient().isPresent() && envelope.recipients().stream()
                .noneMatch(r -> contains(r.address().toString(), filter.recipient().get()))) {
            return false;
        }
        if (filter.domain().isPresent() && envelope.recipients().stream()
                .noneMatch(r -> r.domain().equals(filter.domain().get().toLowerCase(Locale.ROOT)))) {
            return false;
        }
        return filter.minAge().isEmpty() || !envelope.receivedAt().plus(filter.minAge().get()).isAfter(now);
    }

    private static boolean contains(String text, String part) {
        return text.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
    }
}
