package dev.posthorn.smtp.testing;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * DNSSEC for the signed zones of a {@link DnsResponder} (RFC 4033-4035), made when it starts: per zone a key-signing
 * and a zone-signing key (ECDSA P-256 with SHA-256, algorithm 13, RFC 6605), the DNSKEY RRset at the apex signed by
 * both, every other RRset signed by the zone-signing key, and an NSEC chain (RFC 4034 4) for denials. A signed zone
 * below another served zone gets a DS record (SHA-256, RFC 4509) in it; a zone below a signed zone that is not signed
 * itself is an insecure delegation, proved by the parent's NSEC at its name (NS without DS, RFC 4035 5.2). The
 * responder serves no NS records: the delegations exist only in the NSEC type bitmaps, which is all a validator
 * reads of them. The DS records of the top signed zones are the trust anchors a test gives its validator.
 *
 * <p>Names told to be bogus get signatures that do not verify, as after tampering on the path.
 */
final class DnssecZones {

    /** Signatures are valid from an hour ago for a week: a test's clock is never outside. */
    private static final Duration BEFORE = Duration.ofHours(1);
    private static final Duration AFTER = Duration.ofDays(7);
    private static final int KSK = 257;
    private static final int ZSK = 256;

    private record Keys(DNSKEYRecord ksk, PrivateKey kskPrivate, DNSKEYRecord zsk, PrivateKey zskPrivate) {
    }

    private record Signed(Name owner, int type) {
    }

    private final Map<Name, Keys> keys = new LinkedHashMap<>();
    private final Map<Signed, List<RRSIGRecord>> signatures = new HashMap<>();
    /** Apart: at a zone cut the parent's NSEC and the child's apex NSEC share their owner. */
    private final Map<NSECRecord, List<RRSIGRecord>> nsecSignatures = new HashMap<>();
    private final Map<Name, List<NSECRecord>> chains = new HashMap<>();
    private final List<DSRecord> anchors = new ArrayList<>();

    /**
     * Signs the zones in {@code signed}, adding their SOA, DNSKEY and DS records to {@code records}.
     *
     * @param origins every zone served
     * @param signed  the zones to sign, a subset of {@code origins}
     * @param records the records by owner; changed here
     * @param zoneOf  the zone a name is in (the longest origin above it)
     * @param bogus   owners whose signatures are to be broken
     */
    DnssecZones(Collection<Name> origins, Set<Name> signed, Map<Name, List<Record>> records,
                Function<Name, Name> zoneOf, Set<Name> bogus) {
        Instant now = Instant.now();
        for (Name origin : signed) {
            Keys zone = keys(origin);
            keys.put(origin, zone);
            add(records, DnsZones.soa(origin));
            add(records, zone.ksk());
            add(records, zone.zsk());
        }
        for (Name origin : signed) {
            Optional<Name> parent = parentZone(origin, zoneOf);
            DSRecord ds = new DSRecord(origin, DClass.IN, DnsZones.TTL, DNSSEC.Digest.SHA256, keys.get(origin).ksk());
            if (parent.isPresent()) {
                add(records, ds);
            } else {
                anchors.add(ds);
            }
        }
        for (Name origin : signed) {
            chains.put(origin, chain(origin, origins, signed, records, zoneOf));
        }
        records.forEach((owner, data) -> {
            Map<Integer, List<Record>> byType = new LinkedHashMap<>();
            data.forEach(r -> byType.computeIfAbsent(r.getType(), t -> new ArrayList<>()).add(r));
            byType.forEach((type, set) -> signer(owner, type, zoneOf).ifPresent(origin ->
                    signatures.put(new Signed(owner, type), sign(origin, set, now, bogus.contains(owner)))));
        });
        chains.forEach((origin, chain) -> chain.forEach(nsec -> nsecSignatures.put(nsec,
                sign(origin, List.of(nsec), now, false))));
    }

    /** The signatures over the RRset of {@code type} at {@code owner}; empty where it is not in a signed zone. */
    List<RRSIGRecord> signatures(Name owner, int type) {
        return signatures.getOrDefault(new Signed(owner, type), List.of());
    }

    /** The signatures over one NSEC record of a chain. */
    List<RRSIGRecord> signatures(NSECRecord nsec) {
        return nsecSignatures.getOrDefault(nsec, List.of());
    }

    boolean signs(Name origin) {
        return keys.containsKey(origin);
    }

    /**
     * The NSEC records that deny {@code name} in {@code origin}'s zone, with a closest encloser {@code encloser}
     * when the name does not exist (RFC 4035 3.1.3.2: the name and the wildcard at the closest encloser are both
     * covered), or null for NODATA (RFC 4035 3.1.3.1: the NSEC at the name, or for an empty non-terminal, the one
     * covering it).
     */
    List<NSECRecord> denial(Name origin, Name name, Name encloser) {
        List<NSECRecord> chain = chains.getOrDefault(origin, List.of());
        LinkedHashSet<NSECRecord> proof = new LinkedHashSet<>();
        if (encloser == null) {
            chain.stream().filter(n -> n.getName().equals(name)).findFirst()
                    .or(() -> covering(chain, name)).ifPresent(proof::add);
        } else {
            covering(chain, name).ifPresent(proof::add);
            wildcard(encloser).flatMap(w -> covering(chain, w)).ifPresent(proof::add);
        }
        return List.copyOf(proof);
    }

    /** DS records of the signed zones with no served parent, in zone file format. */
    String trustAnchors() {
        StringBuilder text = new StringBuilder();
        anchors.forEach(ds -> text.append(ds).append('\n'));
        return text.toString();
    }

    private static Optional<Name> wildcard(Name encloser) {
        try {
            return Optional.of(Name.concatenate(Name.fromConstantString("*"), encloser));
        } catch (NameTooLongException e) {
            return Optional.empty();   // no wildcard can exist there either
        }
    }

    private static Optional<NSECRecord> covering(List<NSECRecord> chain, Name name) {
        for (NSECRecord nsec : chain) {
            boolean after = nsec.getName().compareTo(name) < 0;
            boolean last = nsec.getNext().compareTo(nsec.getName()) <= 0;
            if (after && (last || name.compareTo(nsec.getNext()) < 0)) {
                return Optional.of(nsec);
            }
        }
        return Optional.empty();
    }

    /** The zone whose keys sign the RRset of {@code type} at {@code owner}: DS records belong to the parent. */
    private Optional<Name> signer(Name owner, int type, Function<Name, Name> zoneOf) {
        Name zone = zoneOf.apply(owner);
        if (type == Type.DS && owner.equals(zone)) {
            zone = parentZone(owner, zoneOf).orElse(null);
        }
        return zone != null && keys.containsKey(zone) ? Optional.of(zone) : Optional.empty();
    }

    private static Optional<Name> parentZone(Name origin, Function<Name, Name> zoneOf) {
        return origin.labels() <= 1 ? Optional.empty() : Optional.ofNullable(zoneOf.apply(new Name(origin, 1)));
    }

    /** RFC 4034 4.1: the owners of {@code origin}'s zone in canonical order, each pointing to the next. */
    private static List<NSECRecord> chain(Name origin, Collection<Name> origins, Set<Name> signed,
                                          Map<Name, List<Record>> records, Function<Name, Name> zoneOf) {
        Map<Name, Set<Integer>> types = new HashMap<>();
        records.forEach((owner, data) -> {
            if (origin.equals(zoneOf.apply(owner))) {
                data.stream().filter(r -> r.getType() != Type.DS || !owner.equals(origin))
                        .forEach(r -> types.computeIfAbsent(owner, o -> new TreeSet<>()).add(r.getType()));
            }
        });
        for (Name child : origins) {
            if (!child.equals(origin) && parentZone(child, zoneOf).filter(origin::equals).isPresent()) {
                Set<Integer> delegation = types.computeIfAbsent(child, o -> new TreeSet<>());
                delegation.add(Type.NS);
                if (signed.contains(child)) {
                    delegation.add(Type.DS);
                }
            }
        }
        List<Name> owners = new ArrayList<>(new TreeSet<>(types.keySet()));
        List<NSECRecord> chain = new ArrayList<>();
        for (int i = 0; i < owners.size(); i++) {
            Name owner = owners.get(i);
            Set<Integer> bitmap = new TreeSet<>(types.get(owner));
            bitmap.add(Type.NSEC);
            bitmap.add(Type.RRSIG);
            chain.add(new NSECRecord(owner, DClass.IN, DnsZones.TTL, owners.get((i + 1) % owners.size()),
                    bitmap.stream().mapToInt(Integer::intValue).toArray()));
        }
        return List.copyOf(chain);
    }

    private List<RRSIGRecord> sign(Name origin, List<Record> set, Instant now, boolean broken) {
        Keys zone = keys.get(origin);
        RRset rrset = new RRset(set);
        List<RRSIGRecord> sigs = new ArrayList<>();
        try {
            if (rrset.getType() == Type.DNSKEY) {
                sigs.add(DNSSEC.sign(rrset, zone.ksk(), zone.kskPrivate(), now.minus(BEFORE), now.plus(AFTER)));
            }
            sigs.add(DNSSEC.sign(rrset, zone.zsk(), zone.zskPrivate(), now.minus(BEFORE), now.plus(AFTER)));
        } catch (DNSSEC.DNSSECException e) {
            throw new IllegalStateException("cannot sign " + rrset.getName() + " " + Type.string(rrset.getType()),
                    e);
        }
        return broken ? sigs.stream().map(DnssecZones::broken).toList() : sigs;
    }

    /** The same signature with one bit flipped: it no longer verifies. */
    private static RRSIGRecord broken(RRSIGRecord sig) {
        byte[] signature = sig.getSignature();
        signature[signature.length / 2] ^= 0x01;
        return new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), sig.getTypeCovered(), sig.getAlgorithm(),
                sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(), sig.getFootprint(), sig.getSigner(),
                signature);
    }

    private static Keys keys(Name origin) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair ksk = generator.generateKeyPair();
            KeyPair zsk = generator.generateKeyPair();
            int algorithm = DNSSEC.Algorithm.ECDSAP256SHA256;
            return new Keys(new DNSKEYRecord(origin, DClass.IN, DnsZones.TTL, KSK, DNSKEYRecord.Protocol.DNSSEC,
                    algorithm, ksk.getPublic()), ksk.getPrivate(),
                    new DNSKEYRecord(origin, DClass.IN, DnsZones.TTL, ZSK, DNSKEYRecord.Protocol.DNSSEC, algorithm,
                            zsk.getPublic()), zsk.getPrivate());
        } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
            throw new IllegalStateException("cannot make DNSSEC keys", e);
        }
    }

    private static void add(Map<Name, List<Record>> records, Record record) {
        List<Record> data = new ArrayList<>(records.getOrDefault(record.getName(), List.of()));
        data.add(record);
        records.put(record.getName(), data);
    }
}
