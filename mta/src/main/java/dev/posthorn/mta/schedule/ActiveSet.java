package dev.posthorn.mta.schedule;

import dev.posthorn.mta.spool.QueuedMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The messages the queue runner holds in memory, at most {@code limit} (Postfix's active queue as a limited window,
 * {@code qmgr_message_active_limit}): each is being loaded, waits for its next attempt, or is being delivered. Every
 * other queued message stays on disk only; the set remembers the earliest time one of those is due, so the runner
 * knows when to read the queue directory again.
 *
 * <p>A message waiting for a later attempt gives up its place to a message that is due now ({@link #claim}): a
 * deferred message never blocks one that could be delivered. It loses nothing by leaving: its state is on disk.
 *
 * <p>Bookkeeping only, no I/O; safe for concurrent use.
 */
final class ActiveSet {

    /**
     * A message in memory; {@code message} is null while it is being loaded, {@code timer} set while it waits,
     * {@code seized} while the operator's command works on it ({@link #seize}).
     */
    private static final class Entry {
        QueuedMessage message;
        Instant due;
        Future<?> timer;
        long ticket;
        boolean seized;

        Entry(Instant due) {
            this.due = due;
        }
    }

    /** The ticket {@link #wake} takes to start any waiting message (ETRN). */
    static final long ANY = -1;

    private final int limit;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a message leaves the set or starts waiting: what {@link #seize} waits for. */
    private final java.util.concurrent.locks.Condition changed = lock.newCondition();
    private final Map<String, Entry> held = new HashMap<>();
    private int peak;
    /** The earliest due time of a message on disk and not held; null when every queued message is held. */
    private Instant diskDue;

    ActiveSet(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the active limit must be at least 1");
        }
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /** How many messages are in memory now. */
    int size() {
        lock.lock();
        try {
            return held.size();
        } finally {
            lock.unlock();
        }
    }

    /** The most messages ever in memory at once. */
    int peak() {
        lock.lock();
        try {
            return peak;
        } finally {
            lock.unlock();
        }
    }

    boolean contains(String id) {
        lock.lock();
        try {
            return held.containsKey(id);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a place for message {@code id}, due at {@code due}, making room by sending the waiting message due
     * last back to disk when that one is due later. Returns false when the message is held already, or when there
     * is no room (then it is noted as on disk).
     */
    boolean claim(String id, Instant due) {
        lock.lock();
        try {
            if (held.containsKey(id)) {
                return false;
            }
            if (held.size() >= limit && !evictWaiterDueAfter(due)) {
                onDisk(due);
                return false;
            }
            held.put(id, new Entry(due));
            peak = Math.max(peak, held.size());
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean evictWaiterDueAfter(Instant due) {
        Map.Entry<String, Entry> latest = null;
        for (Map.Entry<String, Entry> e : held.entrySet()) {
            if (e.getValue().timer != null && e.getValue().due.isAfter(due)
                    && (latest == null || e.getValue().due.isAfter(latest.getValue().due))) {
                latest = e;
            }
        }
        if (latest == null) {
            return false;
        }
        latest.getValue().timer.cancel(false);
        held.remove(latest.getKey());
        onDisk(latest.getValue().due);
        return true;
    }

    /** Gives up the place of {@code id}; {@code queuedUntil} is when it is due again on disk, empty when it left. */
    void release(String id, Optional<Instant> queuedUntil) {
        lock.lock();
        try {
            held.remove(id);
            queuedUntil.ifPresent(this::onDisk);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Notes that a message due at {@code due} is on disk only. */
    void onDisk(Instant due) {
        lock.lock();
        try {
            diskDue = diskDue == null || due.isBefore(diskDue) ? due : diskDue;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a scan of the disk: forgets what it knew of messages on disk (the scan will tell), and returns how many
     * places a scan may fill: the free ones and those of messages that only wait.
     */
    int beginScan() {
        lock.lock();
        try {
            diskDue = null;
            return limit - held.size() + (int) held.values().stream().filter(e -> e.timer != null).count();
        } finally {
            lock.unlock();
        }
    }

    /** When the earliest message on disk only is due, empty when every queued message is held. */
    Optional<Instant> diskDue() {
        lock.lock();
        try {
            return Optional.ofNullable(diskDue);
        } finally {
            lock.unlock();
        }
    }

    /** How many places are free. */
    int free() {
        lock.lock();
        try {
            return limit - held.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a held message (loaded, or after an attempt) that waits for a timer to start it: {@code schedule} sets
     * the timer, given the ticket to {@link #wake} with. Called under the set's lock, so a timer that fires at once
     * finds its message recorded. Returns false (nothing scheduled) when the message was sent back to disk meanwhile.
     */
    boolean waiting(QueuedMessage message, Instant due, java.util.function.LongFunction<Future<?>> schedule) {
        lock.lock();
        try {
            Entry entry = held.get(message.id());
            if (entry == null) {
                onDisk(due);
                return false;
            }
            entry.message = message;
            entry.due = due;
            entry.seized = false;
            entry.timer = schedule.apply(++entry.ticket);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Records a held message that is about to be delivered. */
    void starting(QueuedMessage message) {
        lock.lock();
        try {
            Entry entry = held.get(message.id());
            if (entry != null) {
                entry.message = message;
                entry.timer = null;
                entry.seized = false;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the waiting message {@code id} out of waiting to start it now: for its timer ({@code ticket} the one it
     * was set with) or for ETRN ({@link #ANY}). Empty when it no longer waits (started, or sent back to disk).
     */
    Optional<QueuedMessage> wake(String id, long ticket) {
        lock.lock();
        try {
            Entry entry = held.get(id);
            if (entry == null || entry.timer == null || ticket != ANY && entry.ticket != ticket) {
                return Optional.empty();
            }
            entry.timer.cancel(false);
            entry.timer = null;
            return Optional.of(entry.message);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What {@link #seize} got.
     *
     * @param seized  whether the message is now the operator's: no attempt starts and no scan loads it until it is
     *                {@link #release}d or {@link #starting}
     * @param waiting the message as it waited in memory for its timer (now cancelled); null when it was on disk only
     */
    record Seizure(boolean seized, QueuedMessage waiting) {
    }

    /**
     * Takes message {@code id} out of the runner's hands for an operator's command (hold, delete, bounce, flush): at
     * once when it is on disk only or waits for its timer; when an attempt is running (or it is being loaded, or
     * another command has it), waits up to {@code patience} for that to end, then gives up (not seized).
     */
    Seizure seize(String id, java.time.Duration patience) throws InterruptedException {
        lock.lock();
        try {
            long nanos = patience.toNanos();
            while (true) {
                Entry entry = held.get(id);
                if (entry == null) {
                    Entry mine = new Entry(Instant.EPOCH);
                    mine.seized = true;
                    held.put(id, mine);
                    return new Seizure(true, null);
                }
                if (entry.timer != null) {
                    entry.timer.cancel(false);
                    entry.timer = null;
                    entry.seized = true;
                    return new Seizure(true, entry.message);
                }
                if (nanos <= 0) {
                    return new Seizure(false, null);
                }
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether an attempt of message {@code id} is running (or about to): in memory, neither waiting nor seized. */
    boolean running(String id) {
        lock.lock();
        try {
            Entry entry = held.get(id);
            return entry != null && entry.timer == null && !entry.seized && entry.message != null;
        } finally {
            lock.unlock();
        }
    }

    /** The messages that wait for a later attempt (for ETRN). */
    List<QueuedMessage> waitingMessages() {
        lock.lock();
        try {
            List<QueuedMessage> list = new ArrayList<>();
            for (Entry entry : held.values()) {
                if (entry.timer != null) {
                    list.add(entry.message);
                }
            }
            return list;
        } finally {
            lock.unlock();
        }
    }
}
