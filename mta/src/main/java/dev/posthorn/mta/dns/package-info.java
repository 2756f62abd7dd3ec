/**
 * DNS for delivery to the world: {@link dev.posthorn.mta.dns.MxResolver} turns a recipient domain into the mail
 * exchangers to try, in order (RFC 5321 5.1, RFC 7505), as a closed set of answers
 * ({@link dev.posthorn.mta.dns.MxAnswer}) that delivery maps to attempts, deferrals and bounces. Through the same
 * resolvers, {@link dev.posthorn.mta.dns.DnsLookup} asks for TXT records and host addresses (MTA-STS discovery and
 * its HTTPS host), so that no part of delivery ever uses the JVM's own name resolution. For receiving,
 * {@link dev.posthorn.mta.dns.DnsBlocklist} looks clients up in DNS blocklists (RFC 5782); unlike delivery, it fails
 * open, since a blocklist outage must not stop the mail.
 *
 * <p>Built on dnsjava's {@code Lookup} with a resolver and cache per instance; dnsjava's static defaults are never
 * used, and dnsjava's {@code InetAddressResolverProvider} stays off (it is opt-in through
 * {@code -Dorg.dnsjava.spi.enable=true}), so the JVM's own name resolution is unchanged.
 *
 * <p>Trust boundary: every DNS answer is untrusted input, from whoever controls the domain or sits on the path.
 * So the work one domain can cause is bounded: at most {@value dev.posthorn.mta.dns.MxResolver#MAX_TARGETS} MX
 * targets are used after ordering, at most 16 addresses per target, every question has a timeout, and CNAME chains
 * are followed by dnsjava to a fixed depth (16) with loop detection. Names from answers are used only when they are
 * host names (letters, digits, hyphens; RFC 5321 4.1.2), and logged escaped. A failed lookup never becomes an
 * acceptance or a bounce: SERVFAIL, timeouts and network errors defer (4.4.3), and only definite answers (NXDOMAIN,
 * null MX, no address anywhere) are permanent.
 *
 * <p>DNSSEC: a {@link dev.posthorn.mta.dns.DnsClient#validating validating} client checks answers itself with
 * dnsjava's {@code ValidatingResolver} from configured trust anchors, and every reply says whether it is secure; a
 * bogus answer is a failure, never data. {@link dev.posthorn.mta.dns.MxResolver} built on such a client marks each
 * {@link dev.posthorn.mta.dns.Target} secure or not, for DANE ({@code dev.posthorn.mta.dane}, RFC 7672 2.2). The
 * plain client, used for everything else, validates nothing and never claims an answer secure.
 */
package dev.posthorn.mta.dns;
