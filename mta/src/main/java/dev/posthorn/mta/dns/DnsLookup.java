package dev.posthorn.mta.dns;

import dev.posthorn.mta.dns.DnsClient.Reply;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The DNS questions besides MX that outbound delivery asks, through the configured resolvers (never the JVM's own
 * name resolution): TXT records (MTA-STS discovery, RFC 8461 3.1) and the addresses of a host (the MTA-STS policy
 * host, for the HTTPS client). Obtained from {@link MxResolver#lookup()}, whose resolvers and cache it shares.
 */
public final class DnsLookup {

    /** Bounds the TXT data kept from one name: a TXT RRset has no other limit than the 64 KiB of a DNS message. */
    static final int MAX_TXT_RECORDS = 16;

    /** The TXT records of one name: a closed set. */
    public sealed interface TxtAnswer {
        /**
         * @param records each record's character strings joined (RFC 8461 3.1 reads a record split into several
         *                strings as one), decoded as ISO-8859-1 so that every octet survives as one character
         */
        record Found(List<String> records) implements TxtAnswer {
            public Found {
                records = List.copyOf(records);
            }
        }

        /** The name does not exist or has no TXT record. */
        record None() implements TxtAnswer {
        }

        /** SERVFAIL, a timeout or another failure: nothing can be said. */
        record Failed(String reason) implements TxtAnswer {
            public Failed {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    private final DnsClient dns;
    private final Function<HostName, MxResolver.Addresses> addresses;

    DnsLookup(DnsClient dns, Function<HostName, MxResolver.Addresses> addresses) {
        this.dns = dns;
        this.addresses = addresses;
    }

    /**
     * The TXT records at {@code name}: a host name, or a host name under one attribute leaf label that starts with an
     * underscore ({@code _mta-sts.example.net}, RFC 8552).
     */
    public TxtAnswer txt(String name) {
        Name owner;
        try {
            int dot = name.indexOf('.');
            if (name.startsWith("_") && dot > 1 && name.substring(1, dot).matches("[A-Za-z0-9-]+")) {
                owner = Name.concatenate(Name.fromString(name.substring(0, dot)),
                        HostName.parse(name.substring(dot + 1)).toName());
            } else {
                owner = HostName.parse(name).toName();
            }
        } catch (IllegalArgumentException | TextParseException | NameTooLongException e) {
            return new TxtAnswer.Failed("not a DNS name: " + name);
        }
        return switch (dns.lookup(owner, Type.TXT)) {
            case Reply.Found found -> new TxtAnswer.Found(strings(found.records()));
            case Reply.NoSuchName none -> new TxtAnswer.None();
            case Reply.NoData none -> new TxtAnswer.None();
            case Reply.Failed failed -> new TxtAnswer.Failed("TXT lookup for " + owner + ": " + failed.reason());
        };
    }

    private static List<String> strings(List<Record> found) {
        List<String> records = new ArrayList<>();
        for (Record record : found) {
            if (record instanceof TXTRecord txt && records.size() < MAX_TXT_RECORDS) {
                StringBuilder joined = new StringBuilder();
                for (byte[] string : txt.getStringsAsByteArrays()) {
                    joined.append(new String(string, StandardCharsets.ISO_8859_1));
                }
                records.add(joined.toString());
            }
        }
        return records;
    }

    /**
     * The addresses of {@code host}, IPv6 first.
     *
     * @throws UnknownHostException when it has none, or DNS failed (the message says which)
     */
    public List<InetAddress> addresses(String host) throws UnknownHostException {
        HostName name;
        try {
            name = HostName.parse(host);
        } catch (IllegalArgumentException e) {
            throw new UnknownHostException("not a host name: " + host);
        }
        return switch (addresses.apply(name)) {
            case MxResolver.Addresses.Some some -> some.list();
            case MxResolver.Addresses.None none -> throw new UnknownHostException(name + " has no address");
            case MxResolver.Addresses.Failed failed -> throw new UnknownHostException(name + ": " + failed.reason());
        };
    }
}
