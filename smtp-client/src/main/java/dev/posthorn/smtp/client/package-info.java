/**
 * A blocking SMTP (RFC 5321) and LMTP (RFC 2033) client: greeting, EHLO/LHLO with the HELO fallback, capability
 * parsing, PIPELINING (RFC 2920) when offered, one result per recipient, several messages per connection.
 *
 * <p>Trust boundary: the server is untrusted. Every reply is read with a line and line-count limit (the core's
 * {@link dev.posthorn.smtp.ReplyParser}) and under a deadline per step, with the minimums of RFC 5321 4.5.3.2 as
 * defaults. The message is sent dot-stuffed with bare CR and LF repaired, so nothing this client sends can end the
 * data early at a receiver that parses differently.
 *
 * <p>The one-call {@link dev.posthorn.smtp.client.SmtpClient#send(String, int, String, java.util.List, byte[]) send}
 * opens a session for one message and closes it. Without options it uses STARTTLS opportunistically and accepts any
 * certificate ({@link dev.posthorn.smtp.client.SendOptions#opportunistic()}): it sends no credentials, so the server
 * learns nothing it would not learn in plaintext, and local development servers have generated certificates.
 * Proving the server's identity is a choice ({@link dev.posthorn.smtp.client.SendOptions#verifiedTls()}), which then
 * refuses to send without TLS.
 */
package dev.posthorn.smtp.client;
