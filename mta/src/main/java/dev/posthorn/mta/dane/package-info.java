/**
 * DANE for SMTP (RFC 7672, with the TLSA semantics of RFC 6698 and RFC 7671): authenticating the MX hosts of a
 * domain by TLSA records that its DNSSEC-signed zone publishes, so that an active attacker can neither strip
 * STARTTLS nor present another certificate.
 *
 * <p>Design. {@link dev.posthorn.mta.dane.Dane} is the transport's {@link dev.posthorn.mta.delivery.DaneVerifier}:
 * the delivery package says when DANE applies and what a failure does (the levels {@code dane} and {@code dane-only},
 * DANE ahead of MTA-STS, see {@link dev.posthorn.mta.delivery.DomainTls}); this package does the DNSSEC and TLSA work
 * and imports nothing of delivery but that interface and its {@link dev.posthorn.mta.delivery.DaneVerdict}. DNSSEC is
 * validated in-process by dnsjava's validating resolver ({@link dev.posthorn.mailauth.dns.DnsClient} in its validating
 * form), from configured trust anchors (by default the IANA root KSKs shipped as a resource), so that the recursive
 * resolver is not trusted to set the AD bit. A {@code Dane} is built only when a level asks for DANE, and its
 * validating client is used only for domains at a DANE level: a resolver that strips DNSSEC records would make
 * every answer under the root anchor bogus, and that must not stop mail that never asked for DANE. This is also why
 * DANE is not on by default, unlike MTA-STS: the operator turns it on ({@code outbound.tls: dane}) where the
 * resolvers are known to pass DNSSEC records on. {@code Dane} turns the secure MX and address records of a host and
 * its {@code _25._tcp} TLSA records into a verdict; a verdict to authenticate carries a TLS context whose
 * {@code TlsaTrustManager} accepts exactly what the records allow, and the transport runs STARTTLS with it. DANE-TA
 * and DANE-EE records are used; PKIX-TA and PKIX-EE are unusable for SMTP (RFC 7672 3.1.3): a TLSA RRset with only
 * unusable records still makes STARTTLS mandatory, without authentication (RFC 7672 2.2). CNAMEs are followed as
 * RFC 7672 2.2.2 says: the TLSA records are looked for at the name the address CNAMEs lead to, then at the MX host
 * name. Not done: DANE for a smarthost or route (a configured host, not an MX host), and a DANE-TA key that the
 * server does not send.
 *
 * <p>Trust boundary: DNS answers and the server's certificate chain are untrusted. DNS answers count as secure only
 * when the validator says so; a bogus or failed TLSA lookup makes the host unusable (never DANE-less); names and
 * reasons from the network are logged escaped and bounded (see {@link dev.posthorn.mta.dns}).
 */
package dev.posthorn.mta.dane;
