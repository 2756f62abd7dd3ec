/**
 * SMTP protocol values (RFC 5321, RFC 1869 and the extensions Posthorn speaks) and the command parser.
 *
 * <p>Trust boundary: everything here is built from untrusted peer bytes. Every value validates itself in its
 * constructor, so no {@link dev.posthorn.smtp.Reply}, {@link dev.posthorn.smtp.Command} or path can carry CR or LF,
 * and every length limit of RFC 5321 4.5.3.1 is checked where the value is made. Parsing failures are reported as a
 * {@link dev.posthorn.smtp.CommandSyntaxException} carrying the exact reply to send. What a peer sent reaches a log
 * line only through {@link dev.posthorn.smtp.LogText}, the one escaper for log lines of every module.
 */
package dev.posthorn.smtp;
