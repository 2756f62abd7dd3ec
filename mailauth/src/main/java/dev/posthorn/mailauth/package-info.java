/**
 * Mail authentication as a library: the checks a receiving MTA runs on a message, and the field it writes about
 * them. {@link dev.posthorn.mailauth.Authenticator} runs them all on one message (SPF on the envelope, DKIM and ARC
 * on the message, DMARC over the SPF and DKIM results) and gives an {@link dev.posthorn.mailauth.Authentication};
 * {@link dev.posthorn.mailauth.AuthenticationResults} writes the RFC 8601 field; {@link dev.posthorn.mailauth.AuthservId}
 * reads the authserv-id of a field that arrived, to remove those forged in the receiver's name (RFC 8601 5).
 *
 * <p>Packages: {@code dkim} (RFC 6376, 8463: signing and verification), {@code spf} (RFC 7208), {@code dmarc}
 * (RFC 7489: evaluation and aggregate reports), {@code arc} (RFC 8617: verification and sealing), {@code dns} (the
 * {@code DnsLookup} interface every check asks through, and {@code DnsClient}, its dnsjava implementation).
 *
 * <p>Why a module of its own: Java has no maintained library covering these together, and an application that
 * receives or sends mail (a mailing list manager, a mailbox server, a test suite) needs them without an MTA. The
 * module depends on {@code posthorn-smtp-core} for the address grammar only, and on dnsjava only through
 * {@code DnsClient} (an optional dependency; {@code MailauthArchitectureTest} keeps the checks off it). What to do
 * with a result (refuse at the end of DATA, defer on a temporary error, count for reports) stays with the caller: the
 * Posthorn daemon's decisions are in {@code dev.posthorn.mta.inbound}.
 *
 * <p>Trust boundary: the message, the SMTP identities and every DNS answer are untrusted; each package bounds the
 * work one message can cause, and the Authentication-Results writer quotes and cleans every value so that nothing
 * from a peer or from DNS can end the field or start another.
 */
package dev.posthorn.mailauth;
