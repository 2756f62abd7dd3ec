/**
 * The mail log ({@link dev.posthorn.mta.maillog.MailLog}): one line per event in a message's life, and one per failed
 * AUTH, under the logger {@code posthorn.mail}, as text or JSON lines. The spool sink, the queue runner, delivery
 * attempts and the SMTP server's events all write to it, so it stands below them all and imports none of them.
 *
 * <p>Trust boundary: addresses, user names, Message-IDs and remote replies in a line come from peers; each goes
 * through {@link dev.posthorn.smtp.LogText#escape}, the one escaper for log lines (control characters, CR and LF
 * included, line separators, bidi controls), so that no peer can end a line, forge the next one or reorder one. Every
 * other log call escapes a peer's value the same way; behind that, the daemon's logback.xml writes every message and
 * exception message through the same escaper ({@link dev.posthorn.mta.maillog.EscapedMessageConverter},
 * {@link dev.posthorn.mta.maillog.EscapedThrowableConverter}).
 */
package dev.posthorn.mta.maillog;
