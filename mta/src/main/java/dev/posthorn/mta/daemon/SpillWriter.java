package dev.posthorn.mta.daemon;

import dev.posthorn.mta.spool.MessageWriter;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.spool.SpoolEnvelope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A message writer for mail that will likely be delivered before it is queued ({@link SpoolSink.AtOnce}): the body
 * stays in memory up to {@code limit} octets, while the process-wide {@link Budget} has room for it, and goes to the
 * spool only when it grows past either or is committed. A message delivered at once then costs the spool nothing (no
 * file opened, written, read back and blanked): for a 100 KB message that halves the octets written per message.
 *
 * <p>The body is held in chunks that grow from 4 KiB to 64 KiB as it does, so a small message costs little and a
 * large one is never copied to grow an array. Each chunk is taken from the budget before it is made and given back
 * when the writer spills or closes: with many large messages arriving at once, those beyond the budget go to the
 * spool as any other, and the heap never holds more than the budget of bodies.
 */
final class SpillWriter implements MessageWriter {

    private static final int FIRST_CHUNK = 4 * 1024;
    private static final int LARGEST_CHUNK = 64 * 1024;

    /** Octets of bodies held in memory by all writers at once, at most a fixed total. */
    static final class Budget {
        private final AtomicLong left;

        Budget(long total) {
            this.left = new AtomicLong(total);
        }

        /** At most 64 MiB, and at most an eighth of the heap (8 MiB at {@code -Xmx64m}). */
        static Budget ofHeap() {
            return new Budget(Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8));
        }

        boolean take(int octets) {
            long now;
            do {
                now = left.get();
                if (now < octets) {
                    return false;
                }
            } while (!left.compareAndSet(now, now - octets));
            return true;
        }

        void give(long octets) {
            left.addAndGet(octets);
        }

        long left() {
            return left.get();
        }
    }

    private final Spool spool;
    private final String id;
    private final int limit;
    private final Budget budget;
    private final List<byte[]> chunks = new ArrayList<>();
    /** Octets written into {@link #chunks}, which fill one after another. */
    private int size;
    /** The length of all {@link #chunks}. */
    private int capacity;
    /** Where the next octet goes: the chunk's index and the place in it. */
    private int current;
    private int at;
    /** The spool's writer once the body outgrew the limit or the budget, or is committed; null until then. */
    private MessageWriter spilled;
    private boolean closed;
    private final OutputStream body = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("message writer closed");
            }
            if (spilled == null && !room(len)) {
                spill();
            }
            if (spilled != null) {
                spilled.body().write(b, off, len);
                return;
            }
            while (len > 0) {
                byte[] chunk = chunks.get(current);
                if (at == chunk.length) {
                    current++;
                    at = 0;
                    continue;
                }
                int n = Math.min(len, chunk.length - at);
                System.arraycopy(b, off, chunk, at, n);
                at += n;
                size += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            if (spilled != null) {
                spilled.body().flush();
            }
        }
    };

    SpillWriter(Spool spool, String id, int limit, Budget budget) {
        this.spool = spool;
        this.id = id;
        this.limit = limit;
        this.budget = budget;
    }

    /** Makes room in memory for {@code len} more octets; false when the limit or the budget says no. */
    private boolean room(int len) {
        if ((long) size + len > limit) {
            return false;
        }
        while (capacity - size < len) {
            int chunk = Math.min(LARGEST_CHUNK, Math.max(FIRST_CHUNK, capacity));
            if (!budget.take(chunk)) {
                return false;
            }
            chunks.add(new byte[chunk]);
            capacity += chunk;
        }
        return true;
    }

    private void spill() throws IOException {
        spilled = spool.writer(id); // set first: a copy that fails leaves close() a partial file to remove
        try (InputStream memory = inMemory()) {
            memory.transferTo(spilled.body());
        }
        release();
    }

    private void release() {
        chunks.clear();
        budget.give(capacity);
        capacity = 0;
        size = 0;
        current = 0;
        at = 0;
    }

    @Override
    public OutputStream body() {
        return body;
    }

    @Override
    public InputStream written() throws IOException {
        return spilled != null ? spilled.written() : inMemory();
    }

    /** The octets held in {@link #chunks}, in order. */
    private InputStream inMemory() {
        List<InputStream> parts = new ArrayList<>(chunks.size());
        int left = size;
        for (byte[] chunk : chunks) {
            int n = Math.min(left, chunk.length);
            parts.add(new ByteArrayInputStream(chunk, 0, n));
            left -= n;
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    @Override
    public QueuedMessage commit(SpoolEnvelope envelope) throws IOException {
        if (spilled == null) {
            spill();
        }
        return spilled.commit(envelope);
    }

    @Override
    public void delivered() throws IOException {
        if (spilled != null) {
            spilled.delivered();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        release();
        if (spilled != null) {
            spilled.close();
        }
    }
}
