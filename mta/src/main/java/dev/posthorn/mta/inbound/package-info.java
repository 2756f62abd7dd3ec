/**
 * Inbound message authentication on the MX listeners: SPF ({@link dev.posthorn.mailauth.spf}), DKIM (a verifier plugged
 * in through {@link dev.posthorn.mta.inbound.DkimVerification}), ARC and DMARC ({@link dev.posthorn.mailauth.dmarc}),
 * all from {@code posthorn-mailauth}, their results written to an {@code Authentication-Results} field (RFC 8601,
 * {@link dev.posthorn.mailauth.AuthenticationResults}) and, where configured, a refusal at the end of DATA. The
 * library's {@code Authenticator} runs the same checks on a finished message; the daemon composes the verifiers
 * itself, since it checks only what is switched on and takes the From fields from the stream as it spools it. {@link dev.posthorn.mta.inbound.InboundChecks} is the one entry point; the daemon's spool sink calls it.
 *
 * <p>Flow: while the message streams into the spool, {@link dev.posthorn.mta.inbound.HeaderFilter} removes
 * Authentication-Results fields that claim this server's name (RFC 8601 5) and notes the From fields; the body is
 * never held in memory or rewritten. At the end of DATA the checks run, DKIM reading the spooled message back, and the
 * new field travels in the spool envelope's header parameter, to be put on top of the message at delivery.
 *
 * <p>The DKIM seam: {@link dev.posthorn.mta.inbound.DkimVerification} takes a re-readable message and returns one
 * {@link dev.posthorn.mailauth.dkim.DkimResult} per signature; the default verifies nothing ({@code dkim=none}).
 *
 * <p>Decisions (see {@link dev.posthorn.mta.config.Checks}): refusals happen at the end of DATA, when all results are
 * known, so that an SPF fail is not refused when DMARC passes through DKIM (RFC 7489 10.1); SPF fail gets
 * {@code 550 5.7.23} (RFC 7372), DMARC fail under {@code p=reject} (after {@code pct} sampling) and messages without a
 * single From domain get {@code 550 5.7.1}. {@code p=quarantine} is accepted and marked only in the
 * Authentication-Results field ({@code dmarc=fail (p=quarantine dis=quarantine)}): that field is the one trusted
 * place for results, since this server removes forgeries of it; a second header would need the same protection.
 * A temporary DNS error never refuses mail: a failure that a temperror may have caused is not rejected, and with
 * {@code defer_on_temperror} such a message gets {@code 451} instead of being accepted.
 *
 * <p>Trust boundary: the client's identities, the message's header fields and every DNS answer are untrusted.
 * Header fields are held one at a time and at most 64 KiB; values written into the new field are quoted and cleaned
 * of control characters, so no peer-controlled CR or LF reaches the header.
 */
package dev.posthorn.mta.inbound;
