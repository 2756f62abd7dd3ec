package dev.posthorn.mta.delivery;

import dev.posthorn.mta.config.TlsPolicy;
import dev.posthorn.mta.dns.Target;
import dev.posthorn.mta.sts.MtaSts;
import dev.posthorn.mta.sts.StsPolicy;
import dev.posthorn.mta.tls.Trust;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which TLS mail for a domain gets, decided before the first connection, in this order (the first that applies
 * wins):
 * <ol>
 *   <li>the domain's own level in {@code outbound.tls_policy}: the operator knows best, also to turn a broken
 *       policy off ({@code none}, {@code may}) or to insist where the domain publishes nothing;</li>
 *   <li>DANE, when the {@link DaneVerifier} says the MX hosts have usable TLSA records (RFC 7672; RFC 8461 2 lets
 *       DANE win over MTA-STS);</li>
 *   <li>the domain's MTA-STS policy (RFC 8461) in mode {@code enforce}, then in mode {@code testing} (the default
 *       level, and what {@code verify} would have said is logged);</li>
 *   <li>the default level, {@code outbound.tls} ({@code may}: opportunistic).</li>
 * </ol>
 * Routes ({@code host:port}) take the domain's level when it has one, else the route default; MTA-STS and DANE are
 * about a domain's MX hosts and do not apply to them. A smarthost has its own level ({@code relay.tls}).
 */
public final class DomainTls {

    /** What the transport does for one domain's MX hosts: a closed set. */
    public sealed interface Requirement {

        /**
         * A plain level.
         *
         * @param level  the TLS level for every MX host
         * @param origin where it comes from, for diagnostics ({@code outbound.tls_policy}, {@code outbound.tls})
         */
        record Level(TlsPolicy level, String origin) implements Requirement {
            public Level {
                Objects.requireNonNull(level, "level");
                Objects.requireNonNull(origin, "origin");
            }
        }

        /**
         * An MTA-STS policy in mode enforce or testing.
         *
         * @param domain   the policy domain
         * @param policy   the policy
         * @param fallback the level for testing mode (the default level)
         */
        record Sts(String domain, StsPolicy policy, TlsPolicy fallback) implements Requirement {
            public Sts {
                Objects.requireNonNull(domain, "domain");
                Objects.requireNonNull(policy, "policy");
                Objects.requireNonNull(fallback, "fallback");
            }

            public boolean enforced() {
                return policy.mode() == StsPolicy.Mode.ENFORCE;
            }
        }
    }

    private final TlsPolicy fallback;
    private final Map<String, TlsPolicy> perDomain;
    private final Trust trust;
    private final Optional<MtaSts> mtaSts;
    private final Optional<DaneVerifier> dane;

    /**
     * @param fallback  the default level ({@code outbound.tls})
     * @param perDomain the levels of single domains, by lower-case name
     * @param trust     the CAs for {@code verify} and MTA-STS
     * @param mtaSts    MTA-STS, when it is on
     * @param dane      DANE, when it is built in (see {@link DaneVerifier})
     */
    public DomainTls(TlsPolicy fallback, Map<String, TlsPolicy> perDomain, Trust trust, Optional<MtaSts> mtaSts,
                     Optional<DaneVerifier> dane) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.perDomain = Map.copyOf(perDomain);
        this.trust = Objects.requireNonNull(trust, "trust");
        this.mtaSts = Objects.requireNonNull(mtaSts, "mtaSts");
        this.dane = Objects.requireNonNull(dane, "dane");
    }

    /** One level for every domain, the JDK's CAs, neither MTA-STS nor DANE. */
    public static DomainTls uniform(TlsPolicy level) {
        return new DomainTls(level, Map.of(), Trust.jdk(), Optional.empty(), Optional.empty());
    }

    /** What mail for {@code domain}, going to its MX hosts {@code targets}, requires. */
    public Requirement forMx(String domain, List<Target> targets) {
        TlsPolicy own = perDomain.get(key(domain));
        if (own != null) {
            return new Requirement.Level(own, "outbound.tls_policy");
        }
        if (dane.isPresent() && dane.get().usable(domain, targets)) {
            return new Requirement.Level(TlsPolicy.DANE, "DANE (TLSA records)");
        }
        Optional<StsPolicy> sts = mtaSts.flatMap(m -> m.policy(domain));
        if (sts.isPresent()) {
            return new Requirement.Sts(key(domain), sts.get(), fallback);
        }
        return new Requirement.Level(fallback, "outbound.tls");
    }

    /** The level towards a route's host for {@code domain}: the domain's own, else {@code routeDefault}. */
    public TlsPolicy forRoute(String domain, TlsPolicy routeDefault) {
        return perDomain.getOrDefault(key(domain), routeDefault);
    }

    Trust trust() {
        return trust;
    }

    Optional<DaneVerifier> dane() {
        return dane;
    }

    private static String key(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
