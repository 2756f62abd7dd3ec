package dev.posthorn.mta.dns;

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

/**
 * One question at a time to the configured recursive resolvers, through dnsjava's {@link Lookup} (which follows
 * CNAME and DNAME chains, at most {@code dnsjava.lookup.max_iterations}, 16 by default, then reports a loop).
 *
 * <p>Every instance has its own resolver and cache: dnsjava's static defaults (resolver, cache, search path, hosts
 * file) are never used, so two instances, and two tests, share nothing.
 */
final class DnsClient {

    /** Each server is asked at most this many times per question, like resolv.conf's {@code attempts:2}. */
    private static final int ATTEMPTS = 2;
    /** Bounds the memory of the per-instance cache; entries also expire with their TTL (RFC 1035 3.2.1). */
    private static final int CACHE_ENTRIES = 10_000;

    /** What one question came back with: a closed set, so that callers handle each case. */
    sealed interface Reply {
        /** The records of the type asked for (of the name at the end of any CNAME chain). */
        record Found(List<Record> records) implements Reply {
            public Found {
                records = List.copyOf(records);
            }
        }

        /** NXDOMAIN: the name does not exist (RFC 8020). */
        record NoSuchName() implements Reply {
        }

        /** NOERROR without records of that type (NODATA, RFC 2308 2.2). */
        record NoData() implements Reply {
        }

        /** SERVFAIL, a timeout, a network error, a CNAME loop or another answer that cannot be used. */
        record Failed(String reason) implements Reply {
            public Failed {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    private final Resolver resolver;
    private final Cache cache;

    /**
     * @param servers the recursive resolvers to ask, in order; empty for the system's (resolv.conf)
     * @param timeout how long one question may take, over all servers and attempts
     */
    DnsClient(List<InetSocketAddress> servers, Duration timeout) {
        this(servers, timeout, true);
    }

    /**
     * @param caching whether answers are kept for their TTL; without, each question goes to the resolvers (for
     *                callers with a cache of their own, of what they made of the answers)
     */
    DnsClient(List<InetSocketAddress> servers, Duration timeout, boolean caching) {
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
        this.resolver = extended;
        this.cache = caching ? new Cache(DClass.IN) : null;
        if (cache != null) {
            cache.setMaxEntries(CACHE_ENTRIES);
        }
    }

    /** Asks for the records of {@code type} at {@code name}; blocks at most about the timeout. */
    Reply lookup(Name name, int type) {
        Lookup lookup = new Lookup(name, type, DClass.IN);
        lookup.setResolver(resolver);
        lookup.setCache(cache); // null: a cache for this one lookup only (dnsjava's Lookup.setCache)
        lookup.setHostsFileParser(null);
        // Keep DNS's order: the caller decides about order (RFC 5321 5.1 randomises only equal preferences).
        lookup.setCycleResults(false);
        Record[] answers = lookup.run();
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> new Reply.Found(List.of(answers));
            case Lookup.HOST_NOT_FOUND -> new Reply.NoSuchName();
            case Lookup.TYPE_NOT_FOUND -> new Reply.NoData();
            default -> new Reply.Failed(lookup.getErrorString());
        };
    }
}
