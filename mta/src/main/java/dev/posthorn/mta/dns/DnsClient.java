package dev.posthorn.mta.dns;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * One question at a time to the configured recursive resolvers, through dnsjava's {@link Lookup} (which follows
 * CNAME and DNAME chains, at most {@code dnsjava.lookup.max_iterations}, 16 by default, then reports a loop).
 *
 * <p>Every instance has its own resolver and cache: dnsjava's static defaults (resolver, cache, search path, hosts
 * file) are never used, so two instances, and two tests, share nothing.
 *
 * <p>A {@linkplain #validating validating} client checks every answer with DNSSEC itself (RFC 4035 5, dnsjava's
 * {@link ValidatingResolver} from the configured trust anchors) and says which answers are secure: what DANE needs
 * (RFC 7672 2.1). It does not go through {@link Lookup}, whose answers do not say whether they were validated.
 */
public final class DnsClient {

    /** Each server is asked at most this many times per question, like resolv.conf's {@code attempts:2}. */
    private static final int ATTEMPTS = 2;
    /** Bounds the memory of the per-instance cache; entries also expire with their TTL (RFC 1035 3.2.1). */
    private static final int CACHE_ENTRIES = 10_000;

    /**
     * What one question came back with: a closed set, so that callers handle each case. {@code secure} says that
     * the answer was validated with DNSSEC up to a trust anchor (RFC 4035 4.3); a plain client's answers never are.
     * A bogus answer (RFC 4035 4.3: validation failed) is {@link Failed}, never data.
     */
    public sealed interface Reply {
        /** The records of the type asked for (of the name at the end of any CNAME chain). */
        record Found(List<Record> records, boolean secure) implements Reply {
            public Found {
                records = List.copyOf(records);
            }
        }

        /** NXDOMAIN: the name does not exist (RFC 8020). */
        record NoSuchName(boolean secure) implements Reply {
        }

        /** NOERROR without records of that type (NODATA, RFC 2308 2.2). */
        record NoData(boolean secure) implements Reply {
        }

        /**
         * SERVFAIL, a timeout, a network error, a CNAME loop or another answer that cannot be used.
         *
         * @param bogus whether DNSSEC validation failed (the answer may have been forged or damaged), as opposed to
         *              a resolver or network failure
         */
        record Failed(String reason, boolean bogus) implements Reply {
            public Failed {
                Objects.requireNonNull(reason, "reason");
            }

            public Failed(String reason) {
                this(reason, false);
            }
        }
    }

    private final Resolver resolver;
    /** Null for a client that keeps no answers (and for a validating one: dnsjava's validator caches). */
    private final Cache cache;
    /** Null for a plain client. */
    private final SecureLookup secure;

    /**
     * A client that does not validate (its answers are never secure) and keeps answers for their TTL.
     *
     * @param servers the recursive resolvers to ask, in order; empty for the system's (resolv.conf)
     * @param timeout how long one question may take, over all servers and attempts
     */
    DnsClient(List<InetSocketAddress> servers, Duration timeout) {
        this(servers, timeout, true);
    }

    /**
     * A client that does not validate, as above.
     *
     * @param caching whether answers are kept for their TTL; without, each question goes to the resolvers (for
     *                callers with a cache of their own, of what they made of the answers)
     */
    DnsClient(List<InetSocketAddress> servers, Duration timeout, boolean caching) {
        this.resolver = resolver(servers, timeout);
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
        return new DnsClient(validator, new SecureLookup(validator));
    }

    /** A plain client for tests and for callers outside this package. */
    public static DnsClient plain(List<InetSocketAddress> servers, Duration timeout) {
        return new DnsClient(servers, timeout);
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
    public Reply lookup(Name name, int type) {
        if (secure != null) {
            return secure.lookup(name, type);
        }
        Lookup lookup = new Lookup(name, type, DClass.IN);
        lookup.setResolver(resolver);
        lookup.setCache(cache); // null: a cache for this one lookup only (dnsjava's Lookup.setCache)
        lookup.setHostsFileParser(null);
        // Keep DNS's order: the caller decides about order (RFC 5321 5.1 randomises only equal preferences).
        lookup.setCycleResults(false);
        Record[] answers = lookup.run();
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> new Reply.Found(List.of(answers), false);
            case Lookup.HOST_NOT_FOUND -> new Reply.NoSuchName(false);
            case Lookup.TYPE_NOT_FOUND -> new Reply.NoData(false);
            default -> new Reply.Failed(lookup.getErrorString());
        };
    }
}
