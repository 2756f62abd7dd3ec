package dev.posthorn.mta.delivery;

import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.dns.Target;
import dev.posthorn.mta.sts.MtaSts;
import dev.posthorn.mta.spool.TlsRequest;
import dev.posthorn.mta.sts.StsPolicy;
import dev.posthorn.mta.tls.Trust;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which TLS mail for a domain gets, decided before the first connection, in this order (the first that applies
 * wins):
 * <ol>
 *   <li>the domain's own level in {@code outbound.tls_policy}: the operator knows best, also to turn a broken
 *       policy off ({@code none}, {@code may}) or to insist where the domain publishes nothing. Its {@code dane}
 *       is DANE where the MX hosts have TLSA records, else {@code may}; its {@code dane-only} is DANE or no mail;</li>
 *   <li>with the default level {@code dane}: DANE, when the {@link DaneVerifier} finds TLSA records (usable or not)
 *       or cannot rule them out for an MX host (RFC 7672 2.2; RFC 8461 2 lets DANE win over MTA-STS);</li>
 *   <li>the domain's MTA-STS policy (RFC 8461) in mode {@code enforce}, then in mode {@code testing} (the default
 *       level, and what {@code verify} would have said is logged);</li>
 *   <li>the default level, {@code outbound.tls} ({@code may}: opportunistic; {@code dane} here means {@code may}).</li>
 * </ol>
 * Under DANE, each MX host gets what its own TLSA records say; a host that DANE says nothing about gets what the
 * domain would get without DANE (RFC 7672 2.2: its MTA-STS policy or {@code may}; under {@code dane-only}, no mail).
 * Routes ({@code host:port}) take the domain's level when it has one, else the route default; MTA-STS and DANE are
 * about a domain's MX hosts and do not apply to them ({@code dane} is {@code may} there). A smarthost has its own
 * level ({@code relay.tls}, never DANE).
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

        /**
         * DANE: each MX host as its TLSA records say.
         *
         * @param origin     where the DANE level comes from, for diagnostics
         * @param verdicts   DANE's verdict on each MX host, by host name; at least one {@link DaneVerdict#applies()}
         *                   under {@code dane}
         * @param otherHosts what a host that DANE says nothing about gets ({@code dane}: the domain's requirement
         *                   without DANE); empty under {@code dane-only}: such a host gets no mail
         */
        record Dane(String origin, Map<String, DaneVerdict> verdicts, Optional<Requirement> otherHosts)
                implements Requirement {
            public Dane {
                Objects.requireNonNull(origin, "origin");
                verdicts = Map.copyOf(verdicts);
                Objects.requireNonNull(otherHosts, "otherHosts");
                if (otherHosts.filter(Dane.class::isInstance).isPresent()) {
                    throw new IllegalArgumentException("hosts without DANE get a requirement without DANE");
                }
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
     * @param dane      DANE, when a level asks for it (see {@link DaneVerifier})
     */
    public DomainTls(TlsPolicy fallback, Map<String, TlsPolicy> perDomain, Trust trust, Optional<MtaSts> mtaSts,
                     Optional<DaneVerifier> dane) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        if (fallback == TlsPolicy.DANE_ONLY) {
            throw new IllegalArgumentException("dane-only is for single domains, never the default");
        }
        this.perDomain = Map.copyOf(perDomain);
        this.trust = Objects.requireNonNull(trust, "trust");
        this.mtaSts = Objects.requireNonNull(mtaSts, "mtaSts");
        this.dane = Objects.requireNonNull(dane, "dane");
    }

    /** One level for every domain, the JDK's CAs, neither MTA-STS nor DANE. */
    public static DomainTls uniform(TlsPolicy level) {
        return new DomainTls(level, Map.of(), Trust.jdk(), Optional.empty(), Optional.empty());
    }

    /**
     * What a message asking {@code request} requires towards {@code domain}'s MX hosts: with {@code TLS-Required: No}
     * (RFC 8689 4.3), the domain's MTA-STS policy and DANE are not consulted, so their failures cannot hold the
     * message: STARTTLS when offered ({@code may}), or the operator's own level for the domain when it is not a DANE
     * one (the operator's choice, not the recipient's policy). Otherwise as {@link #forMx(String, List)}.
     */
    public Requirement forMx(String domain, List<Target> targets, TlsRequest request) {
        if (request != TlsRequest.TLS_OPTIONAL) {
            return forMx(domain, targets);
        }
        TlsPolicy own = perDomain.get(key(domain));
        return own == null || own.dane() ? new Requirement.Level(TlsPolicy.MAY, "TLS-Required: No")
                : new Requirement.Level(own, "outbound.tls_policy");
    }

    /** What mail for {@code domain}, going to its MX hosts {@code targets}, requires. */
    public Requirement forMx(String domain, List<Target> targets) {
        TlsPolicy own = perDomain.get(key(domain));
        if (own != null) {
            Requirement without = new Requirement.Level(own.dane() ? TlsPolicy.MAY : own, "outbound.tls_policy");
            return own.dane() ? dane(domain, targets, own, "outbound.tls_policy", () -> without) : without;
        }
        Supplier<Requirement> withoutDane = () -> {
            Optional<StsPolicy> sts = mtaSts.flatMap(m -> m.policy(domain));
            TlsPolicy level = fallback == TlsPolicy.DANE ? TlsPolicy.MAY : fallback;
            return sts.<Requirement>map(p -> new Requirement.Sts(key(domain), p, level))
                    .orElseGet(() -> new Requirement.Level(level, "outbound.tls"));
        };
        return fallback == TlsPolicy.DANE ? dane(domain, targets, fallback, "outbound.tls", withoutDane)
                : withoutDane.get();
    }

    /**
     * DANE at {@code level} for the domain's MX hosts: without a verifier, the level itself (the transport defers it,
     * 4.7.5); under {@code dane}, when DANE says nothing about any host, what the domain gets without DANE.
     */
    private Requirement dane(String domain, List<Target> targets, TlsPolicy level, String origin,
                             Supplier<Requirement> withoutDane) {
        if (dane.isEmpty()) {
            return new Requirement.Level(level, origin);
        }
        Map<String, DaneVerdict> verdicts = new LinkedHashMap<>();
        for (Target target : targets) {
            verdicts.put(target.host(), dane.get().verdict(domain, target));
        }
        boolean someApply = verdicts.values().stream().anyMatch(DaneVerdict::applies);
        boolean allApply = verdicts.values().stream().allMatch(DaneVerdict::applies);
        if (level == TlsPolicy.DANE && !someApply) {
            return withoutDane.get();
        }
        // What the hosts DANE says nothing about get; not asked (no MTA-STS fetch) when there are none.
        Optional<Requirement> otherHosts = level == TlsPolicy.DANE_ONLY ? Optional.empty()
                : Optional.of(allApply ? new Requirement.Level(TlsPolicy.MAY, origin) : withoutDane.get());
        return new Requirement.Dane(origin + " (" + level.configName() + ")", verdicts, otherHosts);
    }

    /**
     * The resolver for a message asking {@code request}: for REQUIRETLS, DANE's validating one whenever there is a
     * verifier (a signed MX answer validates the MX host names, RFC 8689 4.2.1); for {@code TLS-Required: No},
     * {@code plain} (a DNSSEC failure is a DANE failure, which must not hold it); else {@link #resolver(String,
     * MxResolver)}.
     */
    public MxResolver resolver(String domain, MxResolver plain, TlsRequest request) {
        return switch (request) {
            case REQUIRETLS -> dane.isPresent() ? dane.get().resolver() : plain;
            case TLS_OPTIONAL -> plain;
            case NONE -> resolver(domain, plain);
        };
    }

    /**
     * The resolver for {@code domain}'s MX hosts: DANE's validating one when the domain is at a DANE level and a
     * verifier is there, else {@code plain}. Other domains never depend on DNSSEC validation.
     */
    public MxResolver resolver(String domain, MxResolver plain) {
        TlsPolicy level = perDomain.getOrDefault(key(domain), fallback);
        return level.dane() && dane.isPresent() ? dane.get().resolver() : plain;
    }

    /**
     * The level towards a route's host for {@code domain}: the domain's own, else {@code routeDefault}. A route's host
     * is not an MX host, so DANE has no TLSA records to look up: {@code dane} is {@code may}; {@code dane-only} stays,
     * and the transport defers it.
     */
    public TlsPolicy forRoute(String domain, TlsPolicy routeDefault) {
        TlsPolicy level = perDomain.getOrDefault(key(domain), routeDefault);
        return level == TlsPolicy.DANE ? TlsPolicy.MAY : level;
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
