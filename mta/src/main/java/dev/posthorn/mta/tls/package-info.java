/**
 * Authenticating the servers outbound delivery talks to: {@link dev.posthorn.mta.tls.Trust} (which CAs, PKIX) and
 * {@link dev.posthorn.mta.tls.DnsId} (whether a certificate, or an MTA-STS {@code mx} pattern, names a host), shared
 * by the {@code verify} policy, MTA-STS's MX check and MTA-STS's HTTPS fetch.
 *
 * <p>Trust boundary: certificates and their names come from the network and are untrusted. A certificate is used
 * only after the JDK's PKIX validation has accepted its chain; names are compared, never interpreted; text quoted
 * from a certificate or a TLS error reaches a log line or an SMTP diagnostic only through
 * {@link dev.posthorn.mta.tls.Printable} (no CR/LF, bounded). The trusted CAs are operator input (a PEM file) or
 * the JDK's store.
 */
package dev.posthorn.mta.tls;
