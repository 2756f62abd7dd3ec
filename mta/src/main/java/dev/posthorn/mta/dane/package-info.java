/**
 * DANE for SMTP (RFC 7672, with the TLSA semantics of RFC 6698 and RFC 7671): authenticating the MX hosts of a
 * domain by TLSA records that its DNSSEC-signed zone publishes, so that an active attacker can neither strip
 * STARTTLS nor present another certificate.
 *
 * <p>Design. DNSSEC is validated in-process by dnsjava's validating resolver ({@link dev.posthorn.mta.dns.DnsClient}
 * in its validating form), from configured trust anchors (by default the IANA root KSKs shipped as a resource), so
 * that the recursive resolver is not trusted to set the AD bit. A validating client is used only for destinations
 * whose policy is DANE: a resolver that strips DNSSEC records would make every answer under the root anchor bogus,
 * and that must not stop mail that never asked for DANE. {@link dev.posthorn.mta.dane.Dane} turns the secure MX and
 * address records of a host and its {@code _25._tcp} TLSA records into a closed {@link
 * dev.posthorn.mta.dane.DaneVerdict}; the delivery code acts on it (STARTTLS mandatory, certificate checked by
 * {@code TlsaTrustManager}, a host skipped) and does nothing DANE-specific itself. DANE-TA and DANE-EE records are
 * used; PKIX-TA and PKIX-EE are unusable for SMTP (RFC 7672 3.1.3): a TLSA RRset with only unusable records still
 * makes STARTTLS mandatory, without authentication (RFC 7672 2.2). CNAMEs are followed as RFC 7672 2.2.2 says: the
 * TLSA records are looked for at the name the address CNAMEs lead to, then at the MX host name. Not done: DANE for
 * a smarthost or route (a configured host, not an MX host), and a DANE-TA key that the server does not send.
 *
 * <p>Trust boundary: DNS answers and the server's certificate chain are untrusted. DNS answers count as secure only
 * when the validator says so; a bogus or failed TLSA lookup makes the host unusable (never DANE-less); names and
 * reasons from the network are logged escaped and bounded (see {@link dev.posthorn.mta.dns}).
 */
package dev.posthorn.mta.dane;
