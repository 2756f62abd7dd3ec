/**
 * Transports that hand a queued message to its destination: SMTP to other domains ({@link
 * dev.posthorn.mta.delivery.SmtpTransport}, routed by {@link dev.posthorn.mta.delivery.Outbound}), Maildir (local
 * mailboxes) and LMTP (a mailbox server such as Dovecot). Each returns one {@link dev.posthorn.mta.delivery.Outcome}
 * per recipient; none imports the SMTP server.
 *
 * <p>Outbound TLS, decided per domain by {@link dev.posthorn.mta.delivery.DomainTls}, first match wins:
 * <ol>
 *   <li>the domain's level in {@code outbound.tls_policy} ({@code none}, {@code may}, {@code encrypt},
 *       {@code verify}, {@code dane});</li>
 *   <li>DANE, when the {@link dev.posthorn.mta.delivery.DaneVerifier} says the MX hosts have usable TLSA
 *       records;</li>
 *   <li>the domain's MTA-STS policy in mode {@code enforce} (or {@code testing}: the default level, with a report in
 *       the log), see {@code dev.posthorn.mta.sts};</li>
 *   <li>{@code outbound.tls}, by default {@code may}: opportunistic TLS.</li>
 * </ol>
 * {@code verify} and MTA-STS check the certificate after the handshake and before anything of the message is sent:
 * PKIX against {@code outbound.ca_file} or the JDK's trust store, and the MX host name against the subjectAltName
 * DNS names (RFC 7817 3: wildcard only as the whole left-most label). A host that fails what its policy requires
 * ends that host's try ({@link dev.posthorn.mta.delivery.TlsFailure}); the next MX host is tried, and when none
 * takes the mail it is deferred with {@code 4.7.4} (no STARTTLS) or {@code 4.7.5} (handshake, certificate, name, a
 * host the MTA-STS policy does not list, DANE unavailable), the reasons in the diagnostic and so in the mail log.
 *
 * <p>DANE: the level exists, is configured and routed here; its mechanics (validating resolver, TLSA matching) plug
 * in through {@link dev.posthorn.mta.delivery.DaneVerifier}, the one marked integration point. Until a verifier is
 * given, a {@code dane} domain is deferred with 4.7.5 without connecting.
 *
 * <p>Trust boundary: the message and envelope come from the spool (already validated at receipt); remote servers'
 * replies are untrusted and read through the client's bounded reply parser; certificates are untrusted until the
 * checks above pass, and text from them or from TLS errors reaches a diagnostic only escaped (no CR/LF, bounded).
 */
package dev.posthorn.mta.delivery;
