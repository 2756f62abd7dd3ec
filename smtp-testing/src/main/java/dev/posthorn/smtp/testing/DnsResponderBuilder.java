package dev.posthorn.smtp.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The zones, records and faults of a {@link DnsResponder}, as an immutable value: every method returns a new builder,
 * so a test class can keep a common base and each test add to it.
 *
 * <p>Names are written as in a zone file, with or without the trailing dot, and compared without regard to case
 * (RFC 4343). A name inside a {@linkplain #zone zone} that holds no records answers NXDOMAIN, a name with records but
 * none of the type asked answers NOERROR with no answer (NODATA, RFC 2308 2.2); both carry the zone's SOA. Names in
 * no zone are REFUSED. Every record has a TTL of 300 seconds.
 *
 * <p>A {@linkplain #signed signed} zone is signed with DNSSEC when the responder starts, with keys made then; the
 * responder's {@link DnsResponder#trustAnchors()} are what a validating resolver needs to trust it.
 */
public final class DnsResponderBuilder {

    private final List<Name> origins;
    private final List<Record> records;
    private final Set<Name> servfail;
    private final Set<Name> drop;
    private final Set<Name> dropNoData;
    private final Set<Name> signed;
    private final Set<Name> bogus;

    DnsResponderBuilder() {
        this(List.of(), List.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of());
    }

    private DnsResponderBuilder(List<Name> origins, List<Record> records, Set<Name> servfail, Set<Name> drop,
                                Set<Name> dropNoData,
                                Set<Name> signed, Set<Name> bogus) {
        this.origins = List.copyOf(origins);
        this.records = List.copyOf(records);
        this.servfail = Set.copyOf(servfail);
        this.drop = Set.copyOf(drop);
        this.dropNoData = Set.copyOf(dropNoData);
        this.signed = Set.copyOf(signed);
        this.bogus = Set.copyOf(bogus);
    }

    /** Makes the responder authoritative for {@code origin} and every name below it. */
    public DnsResponderBuilder zone(String origin) {
        List<Name> more = new ArrayList<>(origins);
        more.add(name(origin));
        return new DnsResponderBuilder(more, records, servfail, drop, dropNoData, signed, bogus);
    }

    /**
     * Makes the responder authoritative for {@code origin}, as {@link #zone}, and signs the zone with DNSSEC (RFC
     * 4035): RRSIGs over every RRset, DNSKEY at the apex, NSEC records for denials, served to queries with the DO
     * bit. A signed zone inside another served zone gets a DS record there; an unsigned one inside a signed zone is
     * an insecure delegation.
     */
    public DnsResponderBuilder signed(String origin) {
        Set<Name> more = new HashSet<>(signed);
        more.add(name(origin));
        return zone(origin).with(more, bogus);
    }

    /** The signatures over every record at {@code name} (in a signed zone) do not verify: a bogus answer. */
    public DnsResponderBuilder bogus(String name) {
        Set<Name> more = new HashSet<>(bogus);
        more.add(name(name));
        return with(signed, more);
    }

    private DnsResponderBuilder with(Set<Name> newSigned, Set<Name> newBogus) {
        return new DnsResponderBuilder(origins, records, servfail, drop, dropNoData, newSigned, newBogus);
    }

    /** An MX record (RFC 1035 3.3.9); a {@code target} of {@code "."} with preference 0 is a null MX (RFC 7505). */
    public DnsResponderBuilder mx(String name, int preference, String target) {
        return with(owner -> new MXRecord(owner, DClass.IN, DnsZones.TTL, preference, name(target)), name);
    }

    /** An A record; {@code address} is a dotted-quad literal. */
    public DnsResponderBuilder a(String name, String address) {
        InetAddress parsed = literal(address, Address.IPv4);
        return with(owner -> new ARecord(owner, DClass.IN, DnsZones.TTL, parsed), name);
    }

    /** An AAAA record (RFC 3596); {@code address} is an IPv6 literal. */
    public DnsResponderBuilder aaaa(String name, String address) {
        InetAddress parsed = literal(address, Address.IPv6);
        return with(owner -> new AAAARecord(owner, DClass.IN, DnsZones.TTL, parsed), name);
    }

    /** A TXT record of one or more character strings, each at most 255 octets (RFC 1035 3.3.14). */
    public DnsResponderBuilder txt(String name, String... strings) {
        if (strings.length == 0) {
            throw new IllegalArgumentException("a TXT record has at least one string");
        }
        for (String string : strings) {
            if (string.length() > 255) {
                throw new IllegalArgumentException("a TXT string has at most 255 octets");
            }
        }
        return with(owner -> new TXTRecord(owner, DClass.IN, DnsZones.TTL, List.of(strings)), name);
    }

    /**
     * A PTR record (RFC 1035 3.3.12), as reverse DNS holds: {@code name} is the reverse name, e.g.
     * {@code 1.2.0.192.in-addr.arpa}; {@link #reverse} writes it from an address.
     */
    public DnsResponderBuilder ptr(String name, String target) {
        return with(owner -> new PTRRecord(owner, DClass.IN, DnsZones.TTL, name(target)), name);
    }

    /** The reverse name of an IPv4 or IPv6 literal ({@code in-addr.arpa} or {@code ip6.arpa}, RFC 3596 2.5). */
    public static String reverse(String address) {
        InetAddress parsed = literal(address, address.indexOf(':') >= 0 ? Address.IPv6 : Address.IPv4);
        return ReverseMap.fromAddress(parsed).toString();
    }

    /** A CNAME record; its owner may hold no other data (RFC 1034 3.6.2), which {@link #start()} checks. */
    public DnsResponderBuilder cname(String name, String target) {
        return with(owner -> new CNAMERecord(owner, DClass.IN, DnsZones.TTL, name(target)), name);
    }

    /** A TLSA record (RFC 6698 2.1), as DANE for SMTP looks up at {@code _25._tcp.<host>} (RFC 7672). */
    public DnsResponderBuilder tlsa(String name, int usage, int selector, int matchingType, byte[] data) {
        byte[] copy = data.clone();
        return with(owner -> new TLSARecord(owner, DClass.IN, DnsZones.TTL, usage, selector, matchingType, copy),
                name);
    }

    /** Queries for {@code name} (any type) are answered SERVFAIL, as by a server whose upstream failed. */
    public DnsResponderBuilder servfail(String name) {
        Set<Name> more = new HashSet<>(servfail);
        more.add(name(name));
        return new DnsResponderBuilder(origins, records, more, drop, dropNoData, signed, bogus);
    }

    /** Queries for {@code name} (any type) are counted and never answered, so that the client times out. */
    public DnsResponderBuilder drop(String name) {
        Set<Name> more = new HashSet<>(drop);
        more.add(name(name));
        return new DnsResponderBuilder(origins, records, servfail, more, dropNoData, signed, bogus);
    }

    /**
     * Queries for {@code name} of a type it holds no record of are counted and never answered; the types it holds are
     * answered. So DNS servers behave that time out on types they do not know, and so the openspf.org SPF test suite's
     * drivers read its TIMEOUT entries: a TXT lookup times out at a name that has only an SPF record.
     */
    public DnsResponderBuilder dropOtherTypes(String name) {
        Set<Name> more = new HashSet<>(dropNoData);
        more.add(name(name));
        return new DnsResponderBuilder(origins, records, servfail, drop, more, signed, bogus);
    }

    /**
     * Binds a loopback port and starts answering.
     *
     * @throws IllegalStateException a record outside every zone, or a CNAME owner with other data
     */
    public DnsResponder start() throws IOException {
        Map<Name, List<Record>> byOwner = new LinkedHashMap<>();
        for (Record record : records) {
            byOwner.computeIfAbsent(record.getName(), n -> new ArrayList<>()).add(record);
        }
        byOwner.forEach((owner, data) -> {
            if (data.size() > 1 && data.stream().anyMatch(r -> r.getType() == Type.CNAME)) {
                throw new IllegalStateException(owner + " has a CNAME and other data (RFC 1034 3.6.2)");
            }
        });
        byOwner.replaceAll((owner, data) -> List.copyOf(data));
        return DnsResponder.start(new DnsZones(new LinkedHashSet<>(origins), byOwner, servfail, drop, dropNoData,
                signed, bogus));
    }

    private DnsResponderBuilder with(Function<Name, Record> record, String owner) {
        List<Record> more = new ArrayList<>(records);
        more.add(record.apply(name(owner)));
        return new DnsResponderBuilder(origins, more, servfail, drop, dropNoData, signed, bogus);
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a domain name: " + text, e);
        }
    }

    /** Parses a literal without ever asking DNS, which {@code InetAddress.getByName} would do for a name. */
    private static InetAddress literal(String address, int family) {
        try {
            return Address.getByAddress(address, family);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv" + (family == Address.IPv4 ? 4 : 6) + " literal: "
                    + address, e);
        }
    }
}
