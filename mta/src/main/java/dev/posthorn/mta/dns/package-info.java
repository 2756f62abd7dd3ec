/**
 * DNS for Posthorn, through the configured recursive resolvers only: no part of the MTA uses the JVM's own name
 * resolution for mail.
 *
 * <p>One way to ask: {@link dev.posthorn.mta.dns.DnsClient}, and one closed set of answers,
 * {@link dev.posthorn.mta.dns.Answer} (found, NODATA, NXDOMAIN, failed), each saying whether it was DNSSEC-validated.
 * The client gives raw records of any type ({@code lookup}), or decoded values: TXT (SPF, DMARC, DKIM keys, MTA-STS
 * discovery), A, AAAA, the addresses of a host (the MTA-STS policy host), MX and PTR (SPF). The callers keep the
 * distinctions they need: SPF counts NXDOMAIN and NODATA as void lookups (RFC 7208 4.6.4), DKIM and DMARC take a
 * failure for a temporary error and never for a missing record, DANE uses only secure answers.
 *
 * <p>On top of it: {@link dev.posthorn.mta.dns.MxResolver} turns a recipient domain into the mail exchangers to try,
 * in order (RFC 5321 5.1, RFC 7505), as a closed set ({@link dev.posthorn.mta.dns.MxAnswer}) that delivery maps to
 * attempts, deferrals and bounces. For receiving, {@link dev.posthorn.mta.dns.DnsBlocklist} looks clients up in DNS
 * blocklists (RFC 5782); unlike everything else, it fails open, since a blocklist outage must not stop the mail.
 *
 * <p>Instances: the daemon builds one plain client, whose cache MX resolution, MTA-STS, SPF, DMARC and DKIM share; a
 * validating client only when DANE is asked for (its answers cost more to get, and a resolver that strips DNSSEC
 * records would make them all bogus, so no other mail depends on it); and the blocklists get their own client
 * without a cache, asked with their own (shorter) timeout, since they keep verdicts rather than answers. Built on
 * dnsjava with a resolver and cache per instance; dnsjava's static defaults are never used, and dnsjava's
 * {@code InetAddressResolverProvider} stays off (it is opt-in through {@code -Dorg.dnsjava.spi.enable=true}), so the
 * JVM's own name resolution is unchanged. An empty list of resolvers in the configuration means the system's
 * ({@code /etc/resolv.conf}), read by dnsjava, still without the hosts file.
 *
 * <p>Trust boundary: every DNS answer is untrusted input, from whoever controls the domain or sits on the path.
 * So the work one domain can cause is bounded: at most {@value dev.posthorn.mta.dns.MxResolver#MAX_TARGETS} MX
 * targets are used after ordering, at most 16 addresses per host, every question has a timeout, CNAME chains are
 * followed to a fixed depth (16) with loop detection, and a TXT answer is bounded by the DNS message (64 KiB). Names
 * asked for may come from untrusted text (a MAIL FROM domain, an SPF macro): they are turned into DNS names octet by
 * octet, never read as zone-file syntax. Names from answers are used for delivery only when they are host names
 * (letters, digits, hyphens; RFC 5321 4.1.2), and logged escaped. A failed lookup never becomes an acceptance or a
 * bounce: SERVFAIL, timeouts and network errors defer (4.4.3), and only definite answers (NXDOMAIN, null MX, no
 * address anywhere) are permanent.
 *
 * <p>DNSSEC: a {@link dev.posthorn.mta.dns.DnsClient#validating validating} client checks answers itself with
 * dnsjava's {@code ValidatingResolver} from configured trust anchors, and every answer says whether it is secure; a
 * bogus answer is a failure, never data. {@link dev.posthorn.mta.dns.MxResolver} built on such a client marks each
 * {@link dev.posthorn.mta.dns.Target} secure or not, for DANE ({@code dev.posthorn.mta.dane}, RFC 7672 2.2). The
 * plain client validates nothing and never claims an answer secure.
 */
package dev.posthorn.mta.dns;
