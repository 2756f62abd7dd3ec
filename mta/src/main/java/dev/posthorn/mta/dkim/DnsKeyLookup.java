package dev.posthorn.mta.dkim;

import dev.posthorn.mta.dns.TextRecords;

/** Key records from DNS, through the daemon's resolvers ({@link TextRecords}). */
public final class DnsKeyLookup implements KeyLookup {

    private final TextRecords dns;

    public DnsKeyLookup(TextRecords dns) {
        this.dns = dns;
    }

    @Override
    public Answer lookup(String name) {
        return switch (dns.lookup(name)) {
            case TextRecords.Answer.Found found -> new Answer.Found(found.records());
            case TextRecords.Answer.NotFound none -> new Answer.NotFound();
            case TextRecords.Answer.Failed failed -> new Answer.Failed(failed.reason());
        };
    }
}
