/**
 * DNS as the authentication checks ask it. {@link dev.posthorn.mailauth.dns.DnsLookup} is the whole interface they
 * use: TXT (SPF, DKIM keys, DMARC), A, AAAA, MX and PTR (SPF), each answer one of a closed set
 * ({@link dev.posthorn.mailauth.dns.Answer}: found, NODATA, NXDOMAIN, failed), each saying whether it was validated
 * with DNSSEC. The callers keep the distinctions they need: SPF counts NXDOMAIN and NODATA as void lookups
 * (RFC 7208 4.6.4), DKIM and DMARC take a failure for a temporary error and never for a missing record.
 *
 * <p>{@link dev.posthorn.mailauth.dns.DnsClient} answers it through configured recursive resolvers with dnsjava (a
 * resolver and cache per instance; dnsjava's static defaults, the hosts file and its JVM name-service provider are
 * never used), plainly or, {@linkplain dev.posthorn.mailauth.dns.DnsClient#validating validating} DNSSEC itself from
 * trust anchors, with raw records of any type for code that needs them (the Posthorn daemon: MX resolution, TLSA
 * for DANE, blocklists). dnsjava is needed only by who uses it: the checks see {@code DnsLookup} alone.
 *
 * <p>Trust boundary: every answer is untrusted input. Names asked for may come from untrusted text (a MAIL FROM
 * domain, an SPF macro, a DKIM selector) and are made into DNS names octet by octet ({@code QueryName}), never read
 * as zone-file syntax; every question has a timeout; CNAME chains are followed to a fixed depth with loop
 * detection; at most {@value dev.posthorn.mailauth.dns.DnsClient#MAX_ADDRESSES} addresses are kept per host; a bogus
 * answer (DNSSEC validation failed) is a failure, never data.
 */
package dev.posthorn.mailauth.dns;
