package dev.posthorn.smtp.testing;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The immutable data of a {@link DnsResponder} and how an authoritative server without delegations answers one
 * question from it (RFC 1034 4.3.2, reduced to what tests of a resolver need). No sockets: a message in, a message
 * (or silence) out.
 *
 * <p>For a query with the DO bit (RFC 3225) about a signed zone ({@link DnssecZones}), each RRset in the answer comes
 * with its RRSIG records, and a denial with the signed SOA and the NSEC records that prove it (RFC 4035 3.1). A DS
 * question at the apex of a zone is answered from the parent zone when that is served too (RFC 4035 3.1.4.1).
 */
final class DnsZones {

    /** The payload size this server advertises and caps an EDNS client to (RFC 6891 6.2.5). */
    static final int EDNS_PAYLOAD = 4096;
    /** TTL of every record, and the negative-caching TTL in each zone's SOA (RFC 2308 5). */
    static final long TTL = 300;
    /** An authoritative server follows CNAMEs inside its own data, the resolver the rest (RFC 1034 3.6.2). */
    private static final int MAX_CHAIN = 8;

    private final List<Name> origins;
    private final Map<Name, SOARecord> soas = new HashMap<>();
    private final Map<Name, List<Record>> records;
    private final Set<Name> existing = new HashSet<>();
    private final Set<Name> servfail;
    private final Set<Name> drop;
    /** Names whose queries for types they hold no record of are dropped. */
    private final Set<Name> dropNoData;
    /** Null when no zone is signed. */
    private final DnssecZones dnssec;

    DnsZones(Collection<Name> origins, Map<Name, List<Record>> records, Set<Name> servfail, Set<Name> drop) {
        this(origins, records, servfail, drop, Set.of(), Set.of(), Set.of());
    }

    /**
     * @param dropNoData names whose queries for types they do not hold go unanswered
     * @param signed the zones to sign
     * @param bogus  names whose signatures are broken
     */
    DnsZones(Collection<Name> origins, Map<Name, List<Record>> records, Set<Name> servfail, Set<Name> drop,
             Set<Name> dropNoData, Set<Name> signed, Set<Name> bogus) {
        this.origins = origins.stream().sorted(Comparator.comparingInt(Name::labels).reversed()).toList();
        if (signed.isEmpty()) {
            this.dnssec = null;
            this.records = Map.copyOf(records);
        } else {
            Map<Name, List<Record>> all = new HashMap<>(records);
            this.dnssec = new DnssecZones(this.origins, signed, all, this::zoneOf, bogus);
            this.records = Map.copyOf(all);
        }
        this.servfail = Set.copyOf(servfail);
        this.drop = Set.copyOf(drop);
        this.dropNoData = Set.copyOf(dropNoData);
        for (Name origin : this.origins) {
            soas.put(origin, soa(origin));
            existing.add(origin);
        }
        for (Name owner : this.records.keySet()) {
            Name origin = zoneOf(owner);
            if (origin == null) {
                throw new IllegalStateException(owner + " is in none of the zones " + this.origins);
            }
            // Empty non-terminals exist too: NXDOMAIN would deny everything below them (RFC 8020 2).
            for (Name name = owner; !name.equals(origin); name = new Name(name, 1)) {
                existing.add(name);
            }
        }
    }

    /** The DS records of the top signed zones, in zone file format; empty when no zone is signed. */
    String trustAnchors() {
        return dnssec == null ? "" : dnssec.trustAnchors();
    }

    /** The response to {@code query}, or empty when its name is one to drop. */
    Optional<Message> answer(Message query) {
        Header in = query.getHeader();
        Record question = query.getQuestion();
        if (question != null && dropped(question.getName(), question.getType())) {
            return Optional.empty();
        }
        Message response = new Message(in.getID());
        Header out = response.getHeader();
        out.setFlag(Flags.QR);
        out.setOpcode(in.getOpcode());
        if (in.getFlag(Flags.RD)) {
            out.setFlag(Flags.RD);
        }
        if (question != null) {
            response.addRecord(question, Section.QUESTION);
        }
        boolean dnssecOk = false;
        if (query.getOPT() != null) {
            // RFC 3225 3: the DO bit is copied into the response.
            int flags = query.getOPT().getFlags() & ExtendedFlags.DO;
            dnssecOk = flags != 0 && dnssec != null;
            response.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0, flags), Section.ADDITIONAL);
        }
        if (in.getOpcode() != Opcode.QUERY) {
            out.setRcode(Rcode.NOTIMP);
        } else if (question == null || in.getCount(Section.QUESTION) != 1) {
            out.setRcode(Rcode.FORMERR);
        } else if (servfail.contains(question.getName())) {
            out.setRcode(Rcode.SERVFAIL);
        } else if (question.getDClass() != DClass.IN || zoneOf(question.getName()) == null) {
            out.setRcode(Rcode.REFUSED);
        } else {
            out.setFlag(Flags.AA);
            answerChain(question.getName(), question.getType(), response, dnssecOk);
        }
        return Optional.of(response);
    }

    /**
     * Answers {@code name}, following CNAMEs inside these zones. The rcode and the SOA describe the last name of the
     * chain (RFC 6604 2.1); a chain leaving the zones, or reaching a name told to fail, stops at its CNAME.
     */
    private void answerChain(Name name, int type, Message response, boolean dnssecOk) {
        Set<Name> visited = new HashSet<>();
        Name current = name;
        for (int step = 0; step < MAX_CHAIN && visited.add(current); step++) {
            List<Record> here = records.getOrDefault(current, List.of());
            List<Record> matching = here.stream().filter(r -> type == Type.ANY || r.getType() == type).toList();
            if (!matching.isEmpty()) {
                matching.forEach(r -> response.addRecord(r, Section.ANSWER));
                if (dnssecOk && type != Type.ANY) {
                    dnssec.signatures(current, type).forEach(sig -> response.addRecord(sig, Section.ANSWER));
                }
                return;
            }
            Optional<CNAMERecord> alias = here.stream()
                    .filter(CNAMERecord.class::isInstance).map(CNAMERecord.class::cast).findFirst();
            if (alias.isEmpty()) {
                deny(current, type, response, dnssecOk);
                return;
            }
            response.addRecord(alias.get(), Section.ANSWER);
            if (dnssecOk) {
                dnssec.signatures(current, Type.CNAME).forEach(sig -> response.addRecord(sig, Section.ANSWER));
            }
            current = alias.get().getTarget();
            if (zoneOf(current) == null || servfail.contains(current) || drop.contains(current)) {
                return;
            }
        }
    }

    private boolean dropped(Name name, int type) {
        if (drop.contains(name)) {
            return true;
        }
        return dropNoData.contains(name) && records.getOrDefault(name, List.of()).stream()
                .noneMatch(r -> r.getType() == type || r.getType() == Type.CNAME);
    }

    /** NXDOMAIN or NODATA for {@code name}, with the zone's SOA and, signed, the proof (RFC 4035 3.1.3). */
    private void deny(Name name, int type, Message response, boolean dnssecOk) {
        boolean missing = !existing.contains(name);
        if (missing) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        Name zone = zoneFor(name, type);
        response.addRecord(soas.get(zone), Section.AUTHORITY);
        if (dnssecOk && dnssec.signs(zone)) {
            dnssec.signatures(zone, Type.SOA).forEach(sig -> response.addRecord(sig, Section.AUTHORITY));
            for (NSECRecord nsec : dnssec.denial(zone, name, missing ? closestEncloser(name) : null)) {
                response.addRecord(nsec, Section.AUTHORITY);
                dnssec.signatures(nsec).forEach(sig -> response.addRecord(sig, Section.AUTHORITY));
            }
        }
    }

    /** The zone that answers {@code type} at {@code name}: for DS at a zone's apex, the parent zone if served. */
    private Name zoneFor(Name name, int type) {
        if (type == Type.DS && origins.contains(name) && name.labels() > 1) {
            Name parent = zoneOf(new Name(name, 1));
            if (parent != null) {
                return parent;
            }
        }
        return zoneOf(name);
    }

    /** The longest existing name at or above {@code name} (RFC 4592 3.3.1). */
    private Name closestEncloser(Name name) {
        Name current = name;
        while (!existing.contains(current) && current.labels() > 1) {
            current = new Name(current, 1);
        }
        return current;
    }

    /** The longest origin that {@code name} is at or below, or null. */
    private Name zoneOf(Name name) {
        for (Name origin : origins) {
            if (name.subdomain(origin)) {
                return origin;
            }
        }
        return null;
    }

    /** The SOA every zone has at its apex; also the negative-caching TTL (RFC 2308 5). */
    static SOARecord soa(Name origin) {
        try {
            return new SOARecord(origin, DClass.IN, TTL, Name.concatenate(Name.fromConstantString("ns"), origin),
                    Name.concatenate(Name.fromConstantString("hostmaster"), origin), 1, 3600, 600, 86400, TTL);
        } catch (NameTooLongException e) {
            throw new IllegalArgumentException("zone name too long: " + origin, e);
        }
    }
}
