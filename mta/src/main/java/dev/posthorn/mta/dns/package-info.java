/**
 * DNS for delivery and for receiving, through the configured recursive resolvers only: no part of the MTA uses the
 * JVM's own name resolution for mail. Every question goes through {@link dev.posthorn.mailauth.dns.DnsClient} (from
 * {@code posthorn-mailauth}, where the authentication checks use it as their {@code DnsLookup}), every answer is one
 * of {@link dev.posthorn.mailauth.dns.Answer}'s closed set.
 *
 * <p>Here: {@link dev.posthorn.mta.dns.MxResolver} turns a recipient domain into the mail exchangers to try, in order
 * (RFC 5321 5.1, RFC 7505), as a closed set ({@link dev.posthorn.mta.dns.MxAnswer}) that delivery maps to attempts,
 * deferrals and bounces. For receiving, {@link dev.posthorn.mta.dns.DnsBlocklist} looks clients up in DNS blocklists
 * (RFC 5782); unlike everything else, it fails open, since a blocklist outage must not stop the mail.
 *
 * <p>Instances: the daemon builds one plain client, whose cache MX resolution, MTA-STS, SPF, DMARC and DKIM share; a
 * validating client only when DANE is asked for (its answers cost more to get, and a resolver that strips DNSSEC
 * records would make them all bogus, so no other mail depends on it); and the blocklists get their own client
 * without a cache, asked with their own (shorter) timeout, since they keep verdicts rather than answers. dnsjava's
 * {@code InetAddressResolverProvider} stays off (it is opt-in through {@code -Dorg.dnsjava.spi.enable=true}), so the
 * JVM's own name resolution is unchanged. An empty list of resolvers in the configuration means the system's
 * ({@code /etc/resolv.conf}), read by dnsjava, still without the hosts file.
 *
 * <p>Trust boundary: every DNS answer is untrusted input, from whoever controls the domain or sits on the path.
 * So the work one domain can cause is bounded: at most {@value dev.posthorn.mta.dns.MxResolver#MAX_TARGETS} MX
 * targets are used after ordering, at most {@value dev.posthorn.mailauth.dns.DnsClient#MAX_ADDRESSES} addresses per
 * host, and the client's own bounds (timeouts, CNAME depth, names made octet by octet). Names from answers are used
 * for delivery only when they are host names (letters, digits, hyphens; RFC 5321 4.1.2), and logged escaped. A
 * failed lookup never becomes an acceptance or a bounce: SERVFAIL, timeouts and network errors defer (4.4.3), and
 * only definite answers (NXDOMAIN, null MX, no address anywhere) are permanent.
 *
 * <p>DNSSEC: a {@link dev.posthorn.mailauth.dns.DnsClient#validating validating} client checks answers itself with
 * dnsjava's {@code ValidatingResolver} from configured trust anchors, and every answer says whether it is secure; a
 * bogus answer is a failure, never data. {@link dev.posthorn.mta.dns.MxResolver} built on such a client marks each
 * {@link dev.posthorn.mta.dns.Target} secure or not, for DANE ({@code dev.posthorn.mta.dane}, RFC 7672 2.2). The
 * plain client validates nothing and never claims an answer secure.
 */
package dev.posthorn.mta.dns;
