package dev.posthorn.mta.dane;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.xbill.DNS.TLSARecord;

/**
 * One TLSA record that SMTP can use (RFC 6698 2.1, names from RFC 7218): DANE-TA or DANE-EE, a known selector and a
 * known matching type, with association data of the right length for it.
 *
 * @param usage    what the record pins: a trust anchor of the chain, or the server's own certificate or key
 * @param selector what of the certificate is matched: all of it or its public key
 * @param matching how: the bytes themselves or their SHA-256 / SHA-512 digest
 * @param data     the certificate association data
 */
public record Tlsa(Usage usage, Selector selector, Matching matching, byte[] data) {

    /** RFC 6698 2.1.1 usages that SMTP uses; PKIX-TA (0) and PKIX-EE (1) are unusable for SMTP (RFC 7672 3.1.3). */
    public enum Usage {
        /** DANE-TA (2): a certificate or key in the chain is the trust anchor; names and dates are checked. */
        DANE_TA(2),
        /** DANE-EE (3): the server's own certificate or key; nothing else is checked (RFC 7672 3.1.1). */
        DANE_EE(3);

        final int code;

        Usage(int code) {
            this.code = code;
        }
    }

    /** RFC 6698 2.1.2. */
    public enum Selector {
        /** Cert (0): the whole DER certificate. */
        CERT(0),
        /** SPKI (1): the DER SubjectPublicKeyInfo. */
        SPKI(1);

        final int code;

        Selector(int code) {
            this.code = code;
        }
    }

    /** RFC 6698 2.1.3. */
    public enum Matching {
        /** Full (0): the selected bytes themselves. */
        FULL(0, null, -1),
        /** SHA2-256 (1). */
        SHA256(1, "SHA-256", 32),
        /** SHA2-512 (2). */
        SHA512(2, "SHA-512", 64);

        final int code;
        private final String digest;
        private final int length;

        Matching(int code, String digest, int length) {
            this.code = code;
            this.digest = digest;
            this.length = length;
        }

        byte[] apply(byte[] selected) {
            if (digest == null) {
                return selected;
            }
            try {
                return MessageDigest.getInstance(digest).digest(selected);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has " + digest, e);
            }
        }
    }

    public Tlsa {
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(matching, "matching");
        data = data.clone();
        if (matching.length > 0 ? data.length != matching.length : data.length == 0) {
            throw new IllegalArgumentException(matching + " data of " + data.length + " octets");
        }
    }

    /**
     * The record as SMTP can use it, or empty when it is unusable: PKIX usages (RFC 7672 3.1.3), unknown usages,
     * selectors or matching types, and digests of the wrong length (RFC 7671 4 asks to ignore such records).
     */
    public static Optional<Tlsa> usable(TLSARecord record) {
        Optional<Usage> usage = code(Usage.values(), record.getCertificateUsage(), u -> u.code);
        Optional<Selector> selector = code(Selector.values(), record.getSelector(), s -> s.code);
        Optional<Matching> matching = code(Matching.values(), record.getMatchingType(), m -> m.code);
        if (usage.isEmpty() || selector.isEmpty() || matching.isEmpty()) {
            return Optional.empty();
        }
        byte[] data = record.getCertificateAssociationData();
        int wanted = matching.get().length;
        if (wanted > 0 ? data.length != wanted : data.length == 0) {
            return Optional.empty();
        }
        return Optional.of(new Tlsa(usage.get(), selector.get(), matching.get(), data));
    }

    private static <T> Optional<T> code(T[] values, int code, java.util.function.ToIntFunction<T> codeOf) {
        for (T value : values) {
            if (codeOf.applyAsInt(value) == code) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** The association data this record would have for {@code certificate}. */
    public static byte[] associationData(X509Certificate certificate, Selector selector, Matching matching) {
        byte[] selected;
        try {
            selected = selector == Selector.CERT ? certificate.getEncoded() : certificate.getPublicKey().getEncoded();
        } catch (CertificateEncodingException e) {
            return new byte[0];   // a certificate that cannot be encoded matches nothing
        }
        return matching.apply(selected);
    }

    /** Whether {@code certificate} is the one this record names (RFC 6698 2.1; constant time in the data). */
    public boolean matches(X509Certificate certificate) {
        return MessageDigest.isEqual(data, associationData(certificate, selector, matching));
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tlsa that && usage == that.usage && selector == that.selector
                && matching == that.matching && MessageDigest.isEqual(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(usage, selector, matching, java.util.Arrays.hashCode(data));
    }

    /** As in a zone file, the data in full: {@code 3 1 1 9f86d0...}; tells every two different records apart. */
    public String presentation() {
        return usage.code + " " + selector.code + " " + matching.code + " " + HexFormat.of().formatHex(data);
    }

    /** As in a zone file: {@code 3 1 1 9f86d0...}, the data cut to 16 hex digits. */
    @Override
    public String toString() {
        String full = presentation();
        int head = full.length() - 2 * data.length;
        return data.length > 8 ? full.substring(0, head + 16) + "..." : full;
    }
}
