package dev.posthorn.mta.bounce;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * A report's MIME boundary. RFC 2046 5.1.1: the boundary "must not appear inside any of the encapsulated parts". The
 * parts quote the original message, which its sender wrote: a boundary it can foresee (once {@code =_posthorn_} and
 * the report's queue id, which earlier {@code queued as} replies give away) lets its body end the attached part and
 * add one of its own. So the boundary is random (128 bits from {@link SecureRandom}), and the content is searched
 * for it before it is used: a candidate found there is replaced by another.
 */
final class Boundary {

    /** Tries before giving up; random candidates all occurring in one message does not happen. */
    static final int TRIES = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Boundary() {
    }

    /** A fresh random candidate: {@code =_posthorn_} and 32 hex digits, all of them bchars (RFC 2046 5.1.1). */
    static String random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "=_posthorn_" + HexFormat.of().formatHex(bytes);
    }

    /**
     * The first of {@code candidates} that occurs nowhere in {@code text} nor in what {@code content} writes.
     *
     * @param content writes the encapsulated original (as the report will) to the stream it is given
     * @throws IOException when no candidate in {@value #TRIES} is free, or reading the original fails
     */
    static String choose(Supplier<String> candidates, CharSequence text, Content content) throws IOException {
        for (int i = 0; i < TRIES; i++) {
            String candidate = candidates.get();
            if (text.toString().contains(candidate)) {
                continue;
            }
            Search search = new Search(candidate.getBytes(StandardCharsets.US_ASCII));
            content.writeTo(search);
            if (!search.found()) {
                return candidate;
            }
        }
        throw new IOException("no MIME boundary free of the content in " + TRIES + " tries");
    }

    /** Writes the content a boundary must not occur in. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** An output stream that only looks for one byte sequence in what passes (Knuth-Morris-Pratt, any chunking). */
    private static final class Search extends OutputStream {
        private final byte[] pattern;
        private final int[] fallback;
        private int matched;
        private boolean found;

        Search(byte[] pattern) {
            this.pattern = pattern;
            this.fallback = new int[pattern.length];
            for (int i = 1, k = 0; i < pattern.length; i++) {
                while (k > 0 && pattern[i] != pattern[k]) {
                    k = fallback[k - 1];
                }
                if (pattern[i] == pattern[k]) {
                    k++;
                }
                fallback[i] = k;
            }
        }

        @Override
        public void write(int b) {
            if (found) {
                return;
            }
            byte c = (byte) b;
            while (matched > 0 && pattern[matched] != c) {
                matched = fallback[matched - 1];
            }
            if (pattern[matched] == c) {
                matched++;
            }
            if (matched == pattern.length) {
                found = true;
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            for (int i = offset; i < offset + length && !found; i++) {
                write(bytes[i]);
            }
        }

        boolean found() {
            return found;
        }
    }
}
