package dev.posthorn.mailauth.dns;

import java.util.List;
import java.util.Objects;

/**
 * What one DNS question came back with: a closed set, because every caller treats the cases differently. SPF counts
 * NXDOMAIN and NODATA as void lookups (RFC 7208 4.6.4) but a failure as temperror; DKIM takes a missing key for a
 * permanent failure and a failed lookup for a temporary one (RFC 6376 6.1.2); delivery bounces on NXDOMAIN and defers
 * on a failure; DANE uses only answers that are {@code secure}.
 *
 * <p>{@code secure} says that the answer was validated with DNSSEC up to a trust anchor (RFC 4035 4.3): only a
 * {@linkplain DnsClient#validating validating} client sets it. A bogus answer (validation failed) is {@link Failed},
 * never data.
 *
 * @param <T> the type of one record: a dnsjava {@code Record} from {@link DnsClient#lookup}, else already decoded
 */
public sealed interface Answer<T> {

    /** Records of the type asked for (at the end of any CNAME chain), in DNS order. Never empty. */
    record Found<T>(List<T> records, boolean secure) implements Answer<T> {
        public Found {
            records = List.copyOf(records);
            if (records.isEmpty()) {
                throw new IllegalArgumentException("a found answer has records");
            }
        }

        /** Records that were not validated. */
        public Found(List<T> records) {
            this(records, false);
        }
    }

    /** NXDOMAIN (RFC 8020), or a name that cannot exist in DNS (a label over 63 octets, an empty label). */
    record NoSuchName<T>(boolean secure) implements Answer<T> {
        public NoSuchName() {
            this(false);
        }
    }

    /** The name exists but has no records of that type (NODATA, RFC 2308 2.2). */
    record NoData<T>(boolean secure) implements Answer<T> {
        public NoData() {
            this(false);
        }
    }

    /**
     * SERVFAIL, a timeout, a network error, a CNAME loop or another answer that cannot be used: a temporary
     * condition, never a "no".
     *
     * @param bogus whether DNSSEC validation failed (the answer may have been forged or damaged), as opposed to a
     *              resolver or network failure
     */
    record Failed<T>(String reason, boolean bogus) implements Answer<T> {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }

        public Failed(String reason) {
            this(reason, false);
        }
    }

    /** The records, or an empty list for every other case. */
    default List<T> recordsOrEmpty() {
        return this instanceof Found<T> found ? found.records() : List.of();
    }

    /** NXDOMAIN or NODATA: a definite "nothing there", what RFC 7208 4.6.4 calls a void lookup. */
    default boolean isVoid() {
        return this instanceof NoSuchName<T> || this instanceof NoData<T>;
    }

    /**
     * Whether the answer (records or their absence) was validated with DNSSEC; the records that say so override this,
     * and a failure never is.
     */
    default boolean secure() {
        return false;
    }
}
