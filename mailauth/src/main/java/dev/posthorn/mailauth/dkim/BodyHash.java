package dev.posthorn.mailauth.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hashes a canonical body with SHA-256 (RFC 6376 3.7), up to a length when {@code l=} gives one, and counts every
 * canonical octet, so that a verifier can tell a body shorter than {@code l=} from one with unsigned octets after it.
 */
public final class BodyHash extends OutputStream {

    private final MessageDigest digest;
    private final long limit;
    private long length;
    private byte[] hash;

    /**
     * What a signature asks of the body: a canonicalization and how many canonical octets to hash.
     *
     * @param canonicalization the body canonicalization
     * @param limit            {@code l=}, or {@link Long#MAX_VALUE} for the whole body
     */
    public record Spec(Canonicalization canonicalization, long limit) {
    }

    /**
     * Reads {@code body} to its end once, into one hash per distinct spec: signatures that ask the same share it.
     */
    public static Map<Spec, BodyHash> read(InputStream body, Collection<Spec> specs) throws IOException {
        Map<Spec, BodyHash> hashes = new LinkedHashMap<>();
        Map<Spec, OutputStream> streams = new LinkedHashMap<>();
        for (Spec spec : specs) {
            if (!hashes.containsKey(spec)) {
                BodyHash hash = new BodyHash(spec.limit());
                hashes.put(spec, hash);
                streams.put(spec, spec.canonicalization().body(hash));
            }
        }
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = body.read(buffer)) >= 0) {
            for (OutputStream stream : streams.values()) {
                stream.write(buffer, 0, n);
            }
        }
        for (OutputStream stream : streams.values()) {
            stream.close();
        }
        return hashes;
    }

    /** @param limit the octets to hash, {@link Long#MAX_VALUE} for all */
    public BodyHash(long limit) {
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
    public long length() {
        return length;
    }

    /** The hash, once the canonicalizing stream is closed (several signatures may ask for it). */
    public byte[] hash() {
        if (hash == null) {
            hash = digest.digest();
        }
        return hash.clone();
    }
}
