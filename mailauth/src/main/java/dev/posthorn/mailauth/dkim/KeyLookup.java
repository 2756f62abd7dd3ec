package dev.posthorn.mailauth.dkim;

import dev.posthorn.mailauth.dns.Answer;

/**
 * Where a verifier finds key records: the TXT records at {@code selector._domainkey.domain} (RFC 6376 3.6.2.2).
 * The daemon asks DNS ({@code dnsClient::txt}); the command line can read them from a file. The answers are
 * DNS's closed set ({@link Answer}), so that a failed lookup is never taken for a missing key.
 */
@FunctionalInterface
public interface KeyLookup {

    /** The TXT records at {@code name} (a domain name without the final dot). */
    Answer<String> lookup(String name);
}
