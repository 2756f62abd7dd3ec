/**
 * MTA-STS (RFC 8461): whether a domain asks senders to deliver only over authenticated TLS, to the MX hosts it lists.
 * {@link dev.posthorn.mta.sts.MtaSts} is what delivery asks ("which policy applies to this domain now?"); it reads
 * the TXT record ({@link dev.posthorn.mta.sts.StsRecord}), fetches the policy
 * ({@link dev.posthorn.mta.sts.PolicyFetcher}), parses it ({@link dev.posthorn.mta.sts.StsPolicy}) and keeps it in
 * memory and on disk ({@link dev.posthorn.mta.sts.PolicyStore}, by default {@code state/mta-sts} in the spool). How
 * delivery applies a policy, and where it stands among per-domain levels and DANE, is in
 * {@link dev.posthorn.mta.delivery.DomainTls}: in mode {@code enforce} only listed MX hosts are tried, TLS with a
 * certificate valid for the MX name is required, and failing that the mail is deferred (4.7.x), never sent in
 * clear; in mode {@code testing} mail goes as usual and what enforce would have refused is logged (at WARN, and as a
 * note in the delivery's diagnostic, so the mail log shows it).
 *
 * <p>Not implemented: TLSRPT (RFC 8460) reports to the domain's {@code rua}; testing-mode findings go to the log
 * only. Policies are refreshed when the TXT id changes or the cached one expires, not proactively ahead of expiry.
 *
 * <p>The HTTP client: Apache HttpClient 5 (classic API), because the policy host's name must resolve through
 * Posthorn's configured resolvers (the same rule as for MX: never the system resolver), and HttpClient takes a
 * {@code DnsResolver} per connection manager, here backed by {@link dev.posthorn.mailauth.dns.DnsClient}. The JDK's
 * {@code java.net.http.HttpClient} resolves only through the JVM-wide {@code InetAddress} resolver (replaceable only
 * for the whole JVM, through the {@code InetAddressResolverProvider} service), and connecting it to an address
 * resolved beforehand would need a {@code Host} header it refuses to send and would check the certificate against
 * the address; a hand-written HTTP/1.1 client was not worth its risks next to a well-kept library made for the job.
 * Redirects, retries, cookies, authentication and compression are off; proxies are not taken from system
 * properties.
 *
 * <p>Trust boundary: everything here comes from the recipient domain or the path to it and is untrusted. The TXT
 * record and the policy are parsed by closed grammars with bounds (at most 16 TXT records kept, a 32-character id,
 * a body of at most 64 KiB, {@code max_age} cut to a year); the HTTPS server must present a certificate that chains
 * to the trusted CAs ({@code outbound.ca_file} or the JDK's) and names {@code mta-sts.<domain>}; every network step
 * has a timeout and the fetch a deadline; parse errors never quote the body. Cache files are named after validated
 * host names only (no path can be formed) and are re-parsed when read back; a damaged one is deleted. A failed or
 * malformed fetch never weakens a cached policy (RFC 8461 10.2); without one the domain has no policy, which is
 * what the RFC asks, so an attacker who blocks the first fetch gets opportunistic TLS, no less.
 */
package dev.posthorn.mta.sts;
