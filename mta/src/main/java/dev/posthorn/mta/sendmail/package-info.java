/**
 * {@code sendmail} and {@code mailq} as cron, PHP's {@code mail()}, mailx and git send-email call them: the command
 * line in sendmail's own syntax ({@link dev.posthorn.mta.sendmail.SendmailArguments}), the message read from a
 * local user's standard input ({@link dev.posthorn.mta.sendmail.MessageInput}, {@link
 * dev.posthorn.mta.sendmail.LocalMessage}), and the exit codes of sysexits.h ({@link
 * dev.posthorn.mta.sendmail.Sysexit}). The message is committed to the spool directly (see {@code
 * daemon.LocalSubmission}), never through a listener, so it works with every listener off and with the daemon down.
 *
 * <p>Trust boundary: the arguments and the message come from any local user. Every line is bounded (998 octets,
 * RFC 5322 2.1.1), the header section held in memory is bounded, the whole message is bounded by
 * {@code limits.max_message_size}; line ends must be consistent (all CRLF or all LF), bare CR and NUL are refused
 * (RFC 5322 2.3), and any refusal happens before the commit, so nothing is ever half-queued. Text from the input that
 * goes into an error message has its control characters replaced.
 */
package dev.posthorn.mta.sendmail;
