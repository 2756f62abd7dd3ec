package dev.posthorn.mta.dkim;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hashes a canonical body with SHA-256 (RFC 6376 3.7), up to a length when {@code l=} gives one, and counts every
 * canonical octet, so that a verifier can tell a body shorter than {@code l=} from one with unsigned octets after it.
 */
final class BodyHash extends OutputStream {

    private final MessageDigest digest;
    private final long limit;
    private long length;
    private byte[] hash;

    /** @param limit the octets to hash, {@link Long#MAX_VALUE} for all */
    BodyHash(long limit) {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        this.limit = limit;
    }

    @Override
    public void write(int b) {
        if (length < limit) {
            digest.update((byte) b);
        }
        length++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        long room = limit - length;
        if (room > 0) {
            digest.update(b, off, (int) Math.min(len, room));
        }
        length += len;
    }

    /** The canonical body's whole length, hashed or not. */
    long length() {
        return length;
    }

    /** The hash, once the canonicalizing stream is closed (several signatures may ask for it). */
    byte[] hash() {
        if (hash == null) {
            hash = digest.digest();
        }
        return hash.clone();
    }
}
