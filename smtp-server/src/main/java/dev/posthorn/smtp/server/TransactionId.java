package dev.posthorn.smtp.server;

import java.security.SecureRandom;

/**
 * Unique, time-sortable ids for transactions (and so for queue files): 10 base32 characters of milliseconds since
 * the epoch followed by 8 of a per-process counter seeded at random, so ids from one process sort in the order they
 * were made and ids from two processes almost never collide.
 *
 * <p>A short-lived process that commits into a spool beside the daemon (sendmail) calls {@link #perProcess} first:
 * its counters then have the top bit set (the daemon's start below it and would need 2^39 ids to reach it), then
 * its process id (22 bits: Linux's largest), then 17 bits of counter. No two such processes alive in one
 * millisecond share a process id, so their ids never collide with each other's or the daemon's.
 */
public final class TransactionId {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final long COUNTER_MASK = (1L << 40) - 1;

    private static final long PER_PROCESS = 1L << 39;
    private static final int PID_BITS = 22;
    private static final long LOCAL_MASK = (1L << 17) - 1;

    private static long lastMillis;
    private static long counter = new SecureRandom().nextLong() & COUNTER_MASK >>> 1;
    /** The fixed high bits of the counter in {@link #perProcess} mode, else -1. */
    private static long prefix = -1;

    private TransactionId() {
    }

    /** The next id, e.g. {@code 01KAQ3T4Y9X2M0D7C8RP}. */
    public static synchronized String next() {
        long now = System.currentTimeMillis();
        if (now > lastMillis) {
            lastMillis = now;
        }
        if (prefix < 0) {
            counter = counter + 1 & COUNTER_MASK;
        } else {
            counter = prefix | (counter + 1 & LOCAL_MASK);
            if (counter == prefix) {
                lastMillis++; // the 17 bits wrapped within one millisecond: borrow the next, ids keep rising
            }
        }
        char[] out = new char[18];
        encode(lastMillis, out, 0, 10);
        encode(counter, out, 10, 8);
        return new String(out);
    }

    /** Switches this process to ids that no other process can make (see the class documentation). */
    public static synchronized void perProcess(long pid) {
        prefix = PER_PROCESS | (pid & (1L << PID_BITS) - 1) << 17;
        counter = prefix;
    }

    private static void encode(long value, char[] out, int offset, int length) {
        for (int i = offset + length - 1; i >= offset; i--) {
            out[i] = ALPHABET[(int) (value & 31)];
            value >>>= 5;
        }
    }
}
