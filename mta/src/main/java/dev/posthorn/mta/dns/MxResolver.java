package dev.posthorn.mta.dns;

import dev.posthorn.mailauth.dns.Answer;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mailauth.dns.HostAddresses;
import dev.posthorn.smtp.LogText;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Address;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Finds the hosts that take mail for a domain (RFC 5321 5.1): its MX records in preference order, equal preferences
 * shuffled so that load spreads as the domain intends; without MX records, the domain's own addresses (the implicit
 * MX); a null MX (RFC 7505) or a missing domain as permanent failures; any DNS trouble as a temporary one, so that
 * mail waits rather than bounces.
 *
 * <p>Safe for concurrent use by delivery workers. Each call asks one MX question and then an AAAA and an A question
 * per target ({@link HostAddresses}), each bounded by the client's timeout and cached by it for its TTL.
 */
public final class MxResolver {

    /** Bounds the work one domain's DNS can cause: the first ten targets after ordering are used (RFC 5321 5.1). */
    public static final int MAX_TARGETS = 10;

    private static final Logger log = LoggerFactory.getLogger(MxResolver.class);

    private final DnsClient dns;
    private final RandomGenerator random;

    /**
     * Asks {@code dns}; with a {@linkplain DnsClient#validating validating} client, each target says whether its
     * MX and address records were secure (for DANE, RFC 7672 2.2).
     *
     * @param random orders MX hosts of equal preference; used under a lock, so it need not be thread-safe
     */
    public MxResolver(DnsClient dns, RandomGenerator random) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** As above, with a randomly seeded generator. */
    public MxResolver(DnsClient dns) {
        this(dns, new SplittableRandom());
    }

    /**
     * Where mail for {@code domain} goes.
     *
     * @param domain a domain name as written in an address, in ASCII or with U-labels, with or without the trailing
     *               dot (an address literal is no domain: deliver to it directly)
     */
    public MxAnswer resolve(String domain) {
        HostName name;
        try {
            name = HostName.parse(domain);
        } catch (IllegalArgumentException e) {
            return new MxAnswer.Unroutable("not a domain name: " + printable(domain));
        }
        return switch (dns.lookup(name.toName(), Type.MX)) {
            case Answer.Found<Record> found -> exchangers(name, found.records(), found.secure());
            case Answer.NoSuchName<Record> none -> new MxAnswer.NoSuchDomain();
            case Answer.NoData<Record> none -> implicitMx(name, none.secure());
            case Answer.Failed<Record> failed ->
                    new MxAnswer.TemporaryFailure("MX lookup for " + name + ": " + failed.reason());
        };
    }

    /** RFC 5321 5.1: without MX records the domain itself is the one exchanger, if it has an address. */
    private MxAnswer implicitMx(HostName domain, boolean secureMx) {
        HostAddresses addresses = dns.host(domain.toName());
        return switch (addresses.answer()) {
            case Answer.Found<InetAddress> some ->
                    new MxAnswer.Targets(List.of(target(domain.ascii(), some, addresses.canonical(), 0, secureMx)));
            case Answer.Failed<InetAddress> failed ->
                    new MxAnswer.TemporaryFailure("address lookup for " + domain + ": " + failed.reason());
            default -> new MxAnswer.Unroutable(domain + " has neither MX nor address records (RFC 5321 5.1)");
        };
    }

    private MxAnswer exchangers(HostName domain, List<Record> records, boolean secureMx) {
        List<MXRecord> mx = records.stream().filter(MXRecord.class::isInstance).map(MXRecord.class::cast).toList();
        if (mx.size() == 1 && mx.getFirst().getPriority() == 0 && mx.getFirst().getTarget().equals(Name.root)) {
            return new MxAnswer.NullMx();
        }
        List<Target> targets = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Candidate candidate : ordered(domain, mx)) {
            Optional<InetAddress> literal = addressLiteral(candidate.host());
            if (literal.isPresent()) {
                // RFC 5321 5.1 wants a name here; using the address delivers mail that a stricter MTA would bounce.
                log.warn("MX of {} names the address {} instead of a host; using it", domain, candidate.host());
                targets.add(new Target(candidate.host(), List.of(literal.get()), candidate.preference()));
                continue;
            }
            HostName host;
            try {
                host = HostName.parse(candidate.host());
            } catch (IllegalArgumentException e) {
                log.info("MX of {} names {}, which is not a host name; skipped", domain, printable(candidate.host()));
                continue;
            }
            HostAddresses addresses = dns.host(host.toName());
            switch (addresses.answer()) {
                case Answer.Found<InetAddress> some -> targets.add(
                        target(host.ascii(), some, addresses.canonical(), candidate.preference(), secureMx));
                case Answer.NoSuchName<InetAddress> none ->
                        log.info("MX host {} of {} has no address; skipped", host, domain);
                case Answer.NoData<InetAddress> none ->
                        log.info("MX host {} of {} has no address; skipped", host, domain);
                case Answer.Failed<InetAddress> failed -> {
                    log.info("MX host {} of {}: {}; skipped", host, domain, LogText.escape(failed.reason()));
                    failures.add(host + ": " + failed.reason());
                }
            }
        }
        if (!targets.isEmpty()) {
            return new MxAnswer.Targets(targets);
        }
        if (!failures.isEmpty()) {
            return new MxAnswer.TemporaryFailure(
                    "no MX host of " + domain + " resolved: " + String.join("; ", failures));
        }
        return new MxAnswer.Unroutable("no MX host of " + domain + " has an address");
    }

    /** An MX host to look up, with its preference. */
    private record Candidate(String host, int preference) {
    }

    /**
     * The MX hosts in delivery order: preference ascending, each host once (at its best preference), equal
     * preferences shuffled (RFC 5321 5.1), then the first {@value #MAX_TARGETS}. The root ("." of a null MX mixed
     * with other MX records, which RFC 7505 3 forbids) is no host and is dropped.
     */
    private List<Candidate> ordered(HostName domain, List<MXRecord> mx) {
        Map<String, Integer> best = new LinkedHashMap<>();
        for (MXRecord record : mx) {
            if (record.getTarget().equals(Name.root)) {
                log.info("{} mixes a null MX with other MX records (RFC 7505 3); the null MX is ignored", domain);
                continue;
            }
            best.merge(record.getTarget().toString(true).toLowerCase(Locale.ROOT),
                    record.getPriority(), Math::min);
        }
        // Sorting by name first makes the shuffle depend on the generator only, not on the order DNS sent.
        List<Candidate> sorted = best.entrySet().stream().map(e -> new Candidate(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingInt(Candidate::preference).thenComparing(Candidate::host)).toList();
        List<Candidate> ordered = new ArrayList<>(sorted.size());
        for (int start = 0; start < sorted.size(); ) {
            int end = start;
            while (end < sorted.size() && sorted.get(end).preference() == sorted.get(start).preference()) {
                end++;
            }
            List<Candidate> equal = new ArrayList<>(sorted.subList(start, end));
            synchronized (random) {
                Collections.shuffle(equal, random);
            }
            ordered.addAll(equal);
            start = end;
        }
        if (ordered.size() > MAX_TARGETS) {
            log.info("{} has {} MX hosts; only the first {} are used", domain, ordered.size(), MAX_TARGETS);
        }
        return ordered.subList(0, Math.min(ordered.size(), MAX_TARGETS));
    }

    /** A target is secure when its MX RRset (or the MX NODATA of an implicit MX) and its addresses are. */
    private static Target target(String host, Answer.Found<InetAddress> addresses, String canonical, int preference,
                                 boolean secureMx) {
        return new Target(host, addresses.records(), preference, secureMx && addresses.secure(), canonical);
    }

    /** An MX target that is an IPv4 or IPv6 literal rather than a name; parsed without asking DNS. */
    private static Optional<InetAddress> addressLiteral(String host) {
        for (int family : new int[] {Address.IPv4, Address.IPv6}) {
            byte[] bytes = Address.toByteArray(host, family);
            if (bytes != null) {
                try {
                    return Optional.of(InetAddress.getByAddress(bytes));
                } catch (UnknownHostException e) {
                    return Optional.empty();   // unreachable: the length is 4 or 16
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A name or text from the network, made safe for a log line or a reply: control characters and non-ASCII
     * escaped, length bounded (300 characters before escaping).
     */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(300).forEach(c -> {
            if (c >= 0x20 && c < 0x7F) {
                out.appendCodePoint(c);
            } else {
                out.append(String.format("\\u%04x", c));
            }
        });
        return out.toString();
    }
}
