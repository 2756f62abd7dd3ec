package dev.posthorn.mta.dkim;

import java.util.List;
import java.util.Objects;

/**
 * Where a verifier finds key records: the TXT records at {@code selector._domainkey.domain} (RFC 6376 3.6.2.2).
 * {@link DnsKeyLookup} asks DNS; the command line can read them from a file.
 */
@FunctionalInterface
public interface KeyLookup {

    /** The TXT records at {@code name} (a domain name without the final dot). */
    Answer lookup(String name);

    /** What a lookup found: a closed set, so that a failed lookup is never taken for a missing key. */
    sealed interface Answer {
        /** The TXT records, each one's character strings joined without anything between them. */
        record Found(List<String> records) implements Answer {
            public Found {
                records = List.copyOf(records);
            }
        }

        /** No such name, or no TXT record at it. */
        record NotFound() implements Answer {
        }

        /** The question could not be answered now (time-out, SERVFAIL). */
        record Failed(String reason) implements Answer {
            public Failed {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }
}
