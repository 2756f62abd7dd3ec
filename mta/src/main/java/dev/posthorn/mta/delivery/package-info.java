/**
 * Transports that hand a queued message to its destination: SMTP to other domains ({@link
 * dev.posthorn.mta.delivery.SmtpTransport}, routed by {@link dev.posthorn.mta.delivery.RemoteDelivery}), Maildir (local
 * mailboxes) and LMTP (a mailbox server such as Dovecot). All are one {@link dev.posthorn.mta.delivery.Transport}:
 * the typed envelope, the recipients that go that way, and the message as a {@link dev.posthorn.mta.spool.MessageBody}
 * opened afresh for each try; each returns one {@link dev.posthorn.mta.delivery.Outcome} per recipient, and a
 * server's reply to a recipient means the same for SMTP and LMTP ({@link dev.posthorn.mta.delivery.Outcome#of}).
 * None imports the SMTP server.
 *
 * <p>Outbound TLS, decided per domain by {@link dev.posthorn.mta.delivery.DomainTls}, first match wins:
 * <ol>
 *   <li>the domain's level in {@code outbound.tls_policy} ({@code none}, {@code may}, {@code encrypt},
 *       {@code verify}, {@code dane}, {@code dane-only});</li>
 *   <li>with {@code outbound.tls: dane}, DANE, when the {@link dev.posthorn.mta.delivery.DaneVerifier} finds TLSA
 *       records for an MX host (or cannot rule them out);</li>
 *   <li>the domain's MTA-STS policy in mode {@code enforce} (or {@code testing}: the default level, with a report in
 *       the log), see {@code dev.posthorn.mta.sts};</li>
 *   <li>{@code outbound.tls}, by default {@code may}: opportunistic TLS ({@code dane} counts as {@code may} here).</li>
 * </ol>
 * {@link dev.posthorn.mta.delivery.HostTls} turns that into what each host gets and runs STARTTLS. {@code verify}
 * and MTA-STS check the certificate after the handshake and before anything of the message is sent: PKIX against
 * {@code outbound.ca_file} or the JDK's trust store, and the MX host name against the subjectAltName DNS names
 * (RFC 7817 3: wildcard only as the whole left-most label). A host that fails what its policy requires ends that
 * host's try ({@link dev.posthorn.mta.delivery.TlsFailure}); the next MX host is tried, and when none takes the
 * mail it is deferred with {@code 4.7.4} (no STARTTLS) or {@code 4.7.5} (handshake, certificate, name, a host the
 * MTA-STS policy does not list, any DANE refusal), the reasons in the diagnostic and so in the mail log.
 *
 * <p>DANE (RFC 7672, as Postfix's levels of the same names): {@code dane} is opportunistic DANE. The domain's MX and
 * address records come from DNSSEC-validated answers; an MX host with secure, usable TLSA records must do STARTTLS
 * and present a certificate that matches one (the check runs inside the handshake); secure TLSA records none of which
 * is usable still make STARTTLS mandatory; a host whose TLSA lookup fails or is bogus is skipped (a downgrade cannot
 * be ruled out); a host DANE says nothing about (insecure zone, no TLSA records) gets what the domain gets without
 * DANE: its MTA-STS policy or {@code may} under the default, {@code may} under the domain's own {@code dane}.
 * {@code dane-only} sends only to hosts that TLSA records authenticate or make encrypt. DANE's refusals are
 * {@code 4.7.5} with "DANE:" in the diagnostic, STARTTLS not offered included: TLSA records announce TLS, so its
 * absence is what a downgrade looks like. A session DANE authenticated shows {@code tls=dane} in the diagnostic and
 * is kept only for mail under the same TLSA records. The mechanics live in {@code dev.posthorn.mta.dane}; without a
 * verifier (no level asks for DANE), a domain at a DANE level is deferred with 4.7.5 without connecting.
 *
 * <p>The sender's own request (RFC 8689) goes before all of that. A message sent with REQUIRETLS goes to an MX host
 * only when the host name is validated (DNSSEC-signed MX answer, or the domain's MTA-STS policy lists it), the
 * certificate is authenticated (DANE, else {@code verify} with the MX name) and the EHLO after TLS advertises
 * REQUIRETLS; to a relay or route only with {@code verify} and REQUIRETLS advertised. Any other host gets QUIT and
 * nothing, and without one the recipients are deferred with {@code 4.7.30} ({@link
 * dev.posthorn.mta.delivery.RequireTls}). A message with {@code TLS-Required: No} gets {@code may} (or the
 * operator's own non-DANE level for the domain): neither MTA-STS nor DANE is consulted, so neither can hold it.
 *
 * <p>Each SMTP delivery may be given a {@link dev.posthorn.mta.delivery.DeliveryTrace}: the route, the MX list, the
 * host tried with its TLS policy and outcome, and the last 20 lines of its dialogue (the client's transcript hook,
 * which never sees credentials or message data), kept as references and formatted only for a message that stays
 * queued ({@code posthorn explain}).
 *
 * <p>Trust boundary: the message and envelope come from the spool (already validated at receipt); remote servers'
 * replies are untrusted and read through the client's bounded reply parser; certificates are untrusted until the
 * checks above pass, and text from them or from TLS errors reaches a diagnostic only escaped (no CR/LF, bounded).
 */
package dev.posthorn.mta.delivery;
