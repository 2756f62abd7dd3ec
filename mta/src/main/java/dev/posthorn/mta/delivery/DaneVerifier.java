package dev.posthorn.mta.delivery;

import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.dns.Target;

/**
 * DANE (RFC 7672) as the transport sees it; the mechanics (the DNSSEC-validating resolver, TLSA lookups and
 * matching) live in {@code dev.posthorn.mta.dane}, outside the transport. The transport asks two things:
 * <ol>
 *   <li>{@link #resolver}: the MX hosts of a domain at a DANE level, from DNSSEC-validated answers, so that each
 *       {@link Target} says whether its records are secure (RFC 7672 2.2.1);</li>
 *   <li>{@link #verdict}: for one such host, what its TLSA records require. An {@link DaneVerdict.Authenticate}
 *       carries the TLS context that checks the certificate against them; the transport runs STARTTLS with it.</li>
 * </ol>
 * {@link DomainTls} turns the verdicts into the domain's requirement (DANE ahead of MTA-STS, RFC 8461 2). Without
 * a verifier, a domain at a DANE level is deferred with {@code 4.7.5}.
 *
 * <p>Only domains at a DANE level ({@code dane}, {@code dane-only}, as their own level or as the default) are resolved
 * through the validating resolver: a resolver that strips DNSSEC records makes every answer under the trust anchor
 * bogus, and so defers that mail; the other domains are not put at that risk.
 */
public interface DaneVerifier {

    /** The MX resolver whose answers are DNSSEC-validated and whose targets say whether they are secure. */
    MxResolver resolver();

    /** What DANE says about {@code target}, an MX host of {@code domain} that {@link #resolver()} found. */
    DaneVerdict verdict(String domain, Target target);
}
