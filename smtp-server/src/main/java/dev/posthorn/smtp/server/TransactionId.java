package dev.posthorn.smtp.server;

import java.security.SecureRandom;

/**
 * Unique, time-sortable ids for transactions (and so for queue files): 10 base32 characters of milliseconds since
 * the epoch followed by 8 of a per-process counter seeded at random, so ids from one process sort in the order they
 * were made and ids from two processes almost never collide.
 */
public final class TransactionId {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final long COUNTER_MASK = (1L << 40) - 1;

    private static long lastMillis;
    private static long counter = new SecureRandom().nextLong() & COUNTER_MASK >>> 1;

    private TransactionId() {
    }

    /** The next id, e.g. {@code 01KAQ3T4Y9X2M0D7C8RP}. */
    public static synchronized String next() {
        long now = System.currentTimeMillis();
        if (now > lastMillis) {
            lastMillis = now;
        }
        counter = counter + 1 & COUNTER_MASK;
        char[] out = new char[18];
        encode(lastMillis, out, 0, 10);
        encode(counter, out, 10, 8);
        return new String(out);
    }

    private static void encode(long value, char[] out, int offset, int length) {
        for (int i = offset + length - 1; i >= offset; i--) {
            out[i] = ALPHABET[(int) (value & 31)];
            value >>>= 5;
        }
    }
}
