/**
 * The embeddable SMTP server (RFC 5321 with PIPELINING, SIZE, 8BITMIME, BINARYMIME, CHUNKING, SMTPUTF8, DSN,
 * ENHANCEDSTATUSCODES, STARTTLS, AUTH).
 *
 * <p>Shape: {@link dev.posthorn.smtp.server.SmtpServer} accepts connections (a semaphore bounds them before
 * {@code accept()}) and runs each on its own named virtual thread as a {@code Connection}: socket, TLS upgrade,
 * deadlines and the read/write loop (its replies leave through a {@code ReplyOutput}, which the graceful shutdown
 * shares). The {@code Session} is the state machine: a parsed command goes in, an
 * {@code Action} (usually a reply) comes out; it never touches the socket. The {@code Transaction} lives from MAIL to
 * the end of the message, RSET or STARTTLS.
 *
 * <p>Trust boundary: every byte from the peer is untrusted. Each read has a length limit and a deadline; replies come
 * only from the typed catalogue ({@link dev.posthorn.smtp.Replies}) or from the embedder's SPI; no peer text reaches a
 * reply, and peer text in the Received header is reduced to safe characters. Plaintext pipelined after STARTTLS is
 * an injection attempt (CVE-2011-0411 class): the connection is closed. A message reaches the {@link
 * dev.posthorn.smtp.server.MessageSink} as a stream that ends only at a proper end of data; a message that grows past
 * the size limit makes the stream throw, so a sink never takes a cut message for a whole one.
 *
 * <p>Abusive clients: a connection over the per-address limit gets {@code 421 4.7.0} before any session starts; a
 * connection policy's {@code Reject} becomes a {@code 554} greeting after which only QUIT is served (RFC 5321 3.1);
 * the {@link dev.posthorn.smtp.server.Tarpit} delays replies to a client that keeps drawing 5xx, on its virtual thread
 * and before its command deadline starts. The embedder's trusted clients are exempt from the per-address limit and
 * the tarpit. Connection floods: when the open connections near the maximum, {@link dev.posthorn.smtp.server.Stress}
 * shortens the deadlines of sessions waiting for a command or sending data (those already waiting too: a deadline
 * watch thread ends reads armed before stress began, and writes to a client that takes no replies), and logs once
 * when stress begins and ends; a message's data must also keep a minimum rate, and commands that move no mail
 * (NOOP, RSET, ...) count as errors past a limit. TLS offers only TLS 1.2 and 1.3 with AEAD, forward-secret suites in the server's order
 * ({@link dev.posthorn.smtp.server.ServerTls}).
 *
 * <p>What happens (connections, refusals, sessions' ends, TLS, AUTH, messages) is told to the embedder's
 * {@link dev.posthorn.smtp.server.ServerEvents}, so it can count and log without this module knowing any metrics
 * library; the only peer text an event carries is the AUTH user name, never a password.
 *
 * <p>Faults on purpose: a {@link dev.posthorn.smtp.server.Chaos} given to the builder is asked at each stage
 * (connect, EHLO, AUTH, MAIL, RCPT, DATA, end of data) and may answer a 4xx/5xx reply, delay, disconnect or stall
 * instead of the server (see {@code SmtpServer.Builder.chaos}); the connection applies it through
 * {@code ChaosFaults}, so the {@code Session} knows nothing of it. Its rules come from the embedder or an operator,
 * never from the peer; a chaos reply is still a typed {@link dev.posthorn.smtp.Reply}, so no CR or LF can reach the
 * wire. At end of data a fault that refuses the message means the sink is never called.
 *
 * <p>Policy decisions come back as a closed set ({@link dev.posthorn.smtp.server.Decision}); an exception thrown by
 * an embedder's policy, authenticator or sink is a temporary failure (4xx), never an acceptance.
 */
package dev.posthorn.smtp.server;
