package dev.posthorn.mta.dns;

import java.util.List;
import java.util.Objects;

/**
 * What one DNS question for a mail-authentication check came back with: a closed set, because SPF and DMARC treat
 * each case differently (a missing name is a definite "no", a failure is a temporary error, never a "no").
 *
 * @param <T> the type of one answer record, already decoded
 */
public sealed interface Answer<T> {

    /** Records of the type asked for, in DNS order (CNAME chains followed). Never empty. */
    record Found<T>(List<T> records) implements Answer<T> {
        public Found {
            records = List.copyOf(records);
            if (records.isEmpty()) {
                throw new IllegalArgumentException("a found answer has records");
            }
        }
    }

    /** NXDOMAIN (RFC 8020), or a name that cannot exist in DNS (a label over 63 octets, an empty label). */
    record NoSuchName<T>() implements Answer<T> {
    }

    /** The name exists but has no records of that type (NODATA, RFC 2308 2.2). */
    record NoData<T>() implements Answer<T> {
    }

    /** SERVFAIL, a timeout, a network error or an answer that cannot be used: a temporary condition. */
    record Failed<T>(String reason) implements Answer<T> {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The records, or an empty list for every other case. */
    default List<T> recordsOrEmpty() {
        return this instanceof Found<T> found ? found.records() : List.of();
    }

    /** NXDOMAIN or NODATA: what RFC 7208 4.6.4 calls a void lookup. */
    default boolean isVoid() {
        return this instanceof NoSuchName<T> || this instanceof NoData<T>;
    }
}
