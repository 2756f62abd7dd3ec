/**
 * Transports that hand a queued message to its destination: Maildir (local mailboxes) and LMTP (a mailbox server
 * such as Dovecot). Each returns one {@link dev.posthorn.mta.delivery.Outcome} per recipient; none imports the
 * SMTP server.
 *
 * <p>Trust boundary: the message and envelope come from the spool (already validated at receipt); the LMTP server's
 * replies are untrusted and read through the client's bounded reply parser.
 */
package dev.posthorn.mta.delivery;
