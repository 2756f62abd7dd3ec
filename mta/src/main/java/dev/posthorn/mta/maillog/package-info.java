/**
 * The mail log ({@link dev.posthorn.mta.maillog.MailLog}): one line per event in a message's life, and one per failed
 * AUTH, under the logger {@code posthorn.mail}, as text or JSON lines. The spool sink, the queue runner, delivery
 * attempts and the SMTP server's events all write to it, so it stands below them all and imports none of them.
 *
 * <p>Trust boundary: addresses, user names, Message-IDs and remote replies in a line come from peers; every control
 * character among them (CR and LF included) is escaped, so that no peer can end a line and forge the next one.
 */
package dev.posthorn.mta.maillog;
