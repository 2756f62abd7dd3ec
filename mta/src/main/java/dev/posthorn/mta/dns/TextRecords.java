package dev.posthorn.mta.dns;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * TXT records (RFC 1035 3.3.14), for the protocols that publish policy and keys in them (DKIM key records, SPF,
 * DMARC). Each record is given as its character strings joined without anything between them, as those protocols
 * read them (RFC 6376 3.6.2.2, RFC 7208 3.3). Safe for concurrent use; answers are cached for their TTL.
 */
public final class TextRecords {

    /** Bounds what one name can make a caller read: records beyond this many are dropped. */
    static final int MAX_RECORDS = 32;

    /** A closed set of answers: a failed lookup is never mistaken for a missing record. */
    public sealed interface Answer {
        /** The TXT records at the name, each joined. */
        record Found(List<String> records) implements Answer {
            public Found {
                records = List.copyOf(records);
            }
        }

        /** NXDOMAIN, or the name has no TXT records. */
        record NotFound() implements Answer {
        }

        /** SERVFAIL, a time-out, a network error, or a name that cannot be asked for. */
        record Failed(String reason) implements Answer {
            public Failed {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    private final DnsClient dns;

    /**
     * @param servers the recursive resolvers to ask, in order; empty for the system's (resolv.conf)
     * @param timeout how long one question may take, over all servers and attempts
     */
    public TextRecords(List<InetSocketAddress> servers, Duration timeout) {
        this.dns = new DnsClient(List.copyOf(servers), timeout);
    }

    /** The TXT records at {@code name}, an absolute domain name with or without its final dot. */
    public Answer lookup(String name) {
        Name absolute;
        try {
            absolute = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return new Answer.Failed("not a domain name");
        }
        return switch (dns.lookup(absolute, Type.TXT)) {
            case DnsClient.Reply.Found found -> new Answer.Found(joined(found.records()));
            case DnsClient.Reply.NoSuchName none -> new Answer.NotFound();
            case DnsClient.Reply.NoData none -> new Answer.NotFound();
            case DnsClient.Reply.Failed failed -> new Answer.Failed(failed.reason());
        };
    }

    private static List<String> joined(List<Record> records) {
        List<String> texts = new ArrayList<>();
        for (Record record : records) {
            if (record instanceof TXTRecord txt && texts.size() < MAX_RECORDS) {
                StringBuilder text = new StringBuilder();
                for (byte[] string : txt.getStringsAsByteArrays()) {
                    text.append(new String(string, StandardCharsets.ISO_8859_1));
                }
                texts.add(text.toString());
            }
        }
        return texts;
    }
}
