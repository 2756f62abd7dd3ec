package dev.posthorn.mailauth.dns;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * The one way Posthorn asks DNS: every question goes to the configured recursive resolvers and comes back as an
 * {@link Answer}; the {@link DnsLookup} the mail authentication checks need, answered with dnsjava. Two levels:
 * <ul>
 *   <li>{@link #lookup}: the raw records of any type, for the code that needs dnsjava's records (MX ordering, TLSA,
 *       blocklists);</li>
 *   <li>{@link #txt}, {@link #a}, {@link #aaaa}, {@link #addresses(String, InetAddress)}, {@link #hostAddresses},
 *       {@link #host},
 *       {@link #mx}, {@link #ptr}: decoded into plain Java values, for the protocols that need no DNS types (SPF,
 *       DMARC, DKIM keys, MTA-STS). Their names may be any text ({@link QueryName}): a name that cannot exist is
 *       {@link Answer.NoSuchName} without asking.</li>
 * </ul>
 *
 * <p>Plain lookups go through dnsjava's {@link Lookup} (which follows CNAME and DNAME chains, at most
 * {@code dnsjava.lookup.max_iterations}, 16 by default, then reports a loop). Every instance has its own resolver and
 * cache: dnsjava's static defaults (resolver, cache, search path, hosts file) are never used, so two instances, and two
 * tests, share nothing; the daemon builds one plain client and shares it.
 *
 * <p>A {@linkplain #validating validating} client checks every answer with DNSSEC itself (RFC 4035 5, dnsjava's
 * {@link ValidatingResolver} from the configured trust anchors) and says which answers are secure: what DANE needs
 * (RFC 7672 2.1). It does not go through {@link Lookup}, whose answers do not say whether they were validated.
 *
 * <p>Safe for concurrent use.
 */
public final class DnsClient implements DnsLookup {

    /** Each server is asked at most this many times per question, like resolv.conf's {@code attempts:2}. */
    private static final int ATTEMPTS = 2;
    /** Bounds the memory of the per-instance cache; entries also expire with their TTL (RFC 1035 3.2.1). */
    private static final int CACHE_ENTRIES = 10_000;
    /** Bounds the addresses kept per host; delivery tries few of them anyway (cf. Postfix smtp_mx_address_limit). */
    public static final int MAX_ADDRESSES = 16;

    private final Resolver resolver;
    /** Null for a client that keeps no answers (and for a validating one: dnsjava's validator caches). */
    private final Cache cache;
    /** Null for a plain client. */
    private final SecureLookup secure;

    /**
     * A client that does not validate.
     *
     * @param caching whether answers are kept for their TTL; without, each question goes to the resolvers (for
     *                callers with a cache of their own, of what they made of the answers)
     */
    private DnsClient(List<InetSocketAddress> servers, Duration timeout, boolean caching) {
        this(resolver(servers, timeout), caching);
    }

    private DnsClient(Resolver resolver, boolean caching) {
        this.resolver = resolver;
        this.secure = null;
        this.cache = caching ? new Cache(DClass.IN) : null;
        if (cache != null) {
            cache.setMaxEntries(CACHE_ENTRIES);
        }
    }

    private DnsClient(Resolver resolver, SecureLookup secure) {
        this.resolver = resolver;
        this.secure = secure;
        this.cache = null;
    }

    /**
     * A client that validates every answer with DNSSEC from {@code trustAnchors}.
     *
     * @param servers      the recursive resolvers to ask, in order; empty for the system's (resolv.conf). They must
     *                     pass DNSSEC records on (the DO bit, RFC 3225); a resolver that strips them makes every
     *                     answer under a trust anchor bogus
     * @param timeout      how long one question may take, its validation included
     * @param trustAnchors DS or DNSKEY records in zone file format (RFC 1035 5), e.g. the IANA root KSKs
     * @throws IOException when the trust anchors cannot be read
     */
    public static DnsClient validating(List<InetSocketAddress> servers, Duration timeout, InputStream trustAnchors)
            throws IOException {
        ValidatingResolver validator = new ValidatingResolver(resolver(servers, timeout));
        validator.loadTrustAnchors(trustAnchors);
        if (validator.getTrustAnchors().items().isEmpty()) {
            throw new IOException("no DS or DNSKEY record among the trust anchors");
        }
        validator.setTimeout(timeout);
        return validating(validator);
    }

    /**
     * A validating client over {@code validator}, a resolver that validates itself and marks what it validated with
     * the AD bit, as {@link ValidatingResolver} does (the fuzz tests give one that reads wire bytes).
     */
    public static DnsClient validating(Resolver validator) {
        return new DnsClient(validator, new SecureLookup(validator));
    }

    /**
     * A client that does not validate (its answers are never secure) and keeps answers for their TTL.
     *
     * @param servers the recursive resolvers to ask, in order; empty for the system's (resolv.conf)
     * @param timeout how long one question may take, over all servers and attempts
     */
    public static DnsClient plain(List<InetSocketAddress> servers, Duration timeout) {
        return new DnsClient(List.copyOf(servers), timeout, true);
    }

    /**
     * A client that does not validate and keeps no answers: each question goes to the resolvers (for callers with a
     * cache of their own, of what they made of the answers, such as DNS blocklists).
     */
    public static DnsClient uncached(List<InetSocketAddress> servers, Duration timeout) {
        return new DnsClient(List.copyOf(servers), timeout, false);
    }

    /**
     * A client that does not validate, asking {@code resolver} and keeping answers for their TTL (the fuzz tests give
     * a resolver that reads wire bytes).
     */
    public static DnsClient plain(Resolver resolver) {
        return new DnsClient(resolver, true);
    }

    /** Whether answers are validated with DNSSEC (and so may be secure). */
    public boolean validates() {
        return secure != null;
    }

    private static Resolver resolver(List<InetSocketAddress> servers, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("DNS timeout must be positive: " + timeout);
        }
        List<InetSocketAddress> addresses = servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers;
        if (addresses.isEmpty()) {
            throw new IllegalStateException("no DNS resolver configured, and the system names none");
        }
        // The timeout covers the whole question, so each attempt gets its share of it.
        Duration perAttempt = timeout.dividedBy((long) ATTEMPTS * addresses.size());
        List<Resolver> simple = addresses.stream().<Resolver>map(address -> {
            SimpleResolver server = new SimpleResolver(address);
            server.setTimeout(perAttempt);
            return server;
        }).toList();
        ExtendedResolver extended = new ExtendedResolver(simple);
        extended.setTimeout(timeout);
        extended.setRetries(ATTEMPTS);
        return extended;
    }

    /** Asks for the records of {@code type} at {@code name}; blocks at most about the timeout. */
    public Answer<Record> lookup(Name name, int type) {
        if (secure != null) {
            return secure.lookup(name, type);
        }
        Lookup lookup = new Lookup(name, type, DClass.IN);
        lookup.setResolver(resolver);
        lookup.setCache(cache); // null: a cache for this one lookup only (dnsjava's Lookup.setCache)
        lookup.setHostsFileParser(null);
        // Keep DNS's order: the caller decides about order (RFC 5321 5.1 randomises only equal preferences).
        lookup.setCycleResults(false);
        Record[] answers;
        try {
            answers = lookup.run();
        } catch (RuntimeException e) {
            // dnsjava reads some malformed answers into records its own code does not expect (a CNAME without
            // rdata, in a response with the UPDATE opcode, failed a cast in Lookup): no answer, as for garbage.
            return new Answer.Failed<>("malformed answer (" + e.getClass().getSimpleName() + ")");
        }
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> new Answer.Found<>(List.of(answers));
            case Lookup.HOST_NOT_FOUND -> new Answer.NoSuchName<>();
            case Lookup.TYPE_NOT_FOUND -> new Answer.NoData<>();
            default -> new Answer.Failed<>(lookup.getErrorString());
        };
    }

    /**
     * The TXT records at {@code name}, each record's character strings joined without anything between them, as SPF,
     * DKIM, DMARC and MTA-STS read them (RFC 7208 3.3, RFC 6376 3.6.2.2, RFC 8461 3.1). Decoded as ISO-8859-1, so that
     * every octet survives as one character. Their number is bounded by the DNS message (64 KiB at most).
     */
    @Override
    public Answer<String> txt(String name) {
        return ask(name, Type.TXT, record -> record instanceof TXTRecord txt ? Optional.of(joined(txt))
                : Optional.empty());
    }

    /** The IPv4 addresses of {@code name}. */
    @Override
    public Answer<InetAddress> a(String name) {
        return ask(name, Type.A, record -> record instanceof ARecord a ? Optional.of(a.getAddress())
                : Optional.empty());
    }

    /** The IPv6 addresses of {@code name}. */
    @Override
    public Answer<InetAddress> aaaa(String name) {
        return ask(name, Type.AAAA, record -> record instanceof AAAARecord aaaa ? Optional.of(aaaa.getAddress())
                : Optional.empty());
    }

    /**
     * The addresses of a host to connect to: AAAA then A, each family in DNS's order, at most
     * {@value #MAX_ADDRESSES}; secure when both answers were.
     */
    public Answer<InetAddress> hostAddresses(String host) {
        Optional<Name> name = QueryName.of(host);
        return name.isEmpty() ? new Answer.NoSuchName<>() : host(name.get()).answer();
    }

    /** {@link #hostAddresses(String)} for a name already made, with the name the addresses were found at. */
    public HostAddresses host(Name name) {
        return HostAddresses.of(this, name);
    }

    /** The MX records of {@code name}, in DNS order. */
    @Override
    public Answer<Exchanger> mx(String name) {
        return ask(name, Type.MX, record -> record instanceof MXRecord mx
                ? Optional.of(new Exchanger(mx.getPriority(), QueryName.text(mx.getTarget()))) : Optional.empty());
    }

    /** The names the reverse zone gives for {@code address} (PTR records, RFC 1035 3.5, RFC 3596 2.5). */
    @Override
    public Answer<String> ptr(InetAddress address) {
        return decoded(lookup(ReverseMap.fromAddress(address), Type.PTR), record -> record instanceof PTRRecord ptr
                ? Optional.of(QueryName.text(ptr.getTarget())) : Optional.empty());
    }

    private <T> Answer<T> ask(String name, int type, Function<Record, Optional<T>> decode) {
        Optional<Name> parsed = QueryName.of(name);
        return parsed.isEmpty() ? new Answer.NoSuchName<>() : decoded(lookup(parsed.get(), type), decode);
    }

    /** The answer with its records decoded; records of another type (none is kept) make it NODATA. */
    private static <T> Answer<T> decoded(Answer<Record> answer, Function<Record, Optional<T>> decode) {
        return switch (answer) {
            case Answer.Found<Record> found -> {
                List<T> values = new ArrayList<>();
                for (Record record : found.records()) {
                    decode.apply(record).ifPresent(values::add);
                }
                yield values.isEmpty() ? new Answer.NoData<>(found.secure())
                        : new Answer.Found<>(values, found.secure());
            }
            case Answer.NoSuchName<Record> none -> new Answer.NoSuchName<>(none.secure());
            case Answer.NoData<Record> none -> new Answer.NoData<>(none.secure());
            case Answer.Failed<Record> failed -> new Answer.Failed<>(failed.reason(), failed.bogus());
        };
    }

    private static String joined(TXTRecord txt) {
        StringBuilder text = new StringBuilder();
        for (byte[] string : txt.getStringsAsByteArrays()) {
            text.append(new String(string, StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }
}
