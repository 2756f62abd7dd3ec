/**
 * The embeddable SMTP server (RFC 5321 with PIPELINING, SIZE, 8BITMIME, BINARYMIME, CHUNKING, SMTPUTF8, DSN,
 * ENHANCEDSTATUSCODES, STARTTLS, AUTH, and REQUIRETLS when the embedder turns it on).
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
 * <p>Behind a proxy ({@code SmtpServer.Builder.proxyProtocol}): each connection starts with a PROXY protocol header
 * (HAProxy's {@code proxy-protocol.txt}, v1 or v2, {@code ProxyHeader}), read before the greeting on the
 * connection's thread, octet by octet up to its end and never further, at most 107 octets (v1) or 16 plus 1024 (v2,
 * TLVs skipped), within 10 s. The header is believed only from the embedder's proxies: a connection from any other
 * address is closed at once without a reply, since a header from anyone would let any client choose its address.
 * Malformed, oversized, late or missing: closed without a reply (an SMTP reply would reach the proxy, not a
 * client). The client the header names then replaces the TCP peer everywhere: {@code SessionInfo.remote}, the
 * Received field, the per-address count (taken only once the header is read, so it counts the original clients,
 * never the proxy), the trusted-client check, events and logs. A header naming no client (v1 {@code UNKNOWN}, v2
 * {@code LOCAL}: health checks) leaves the proxy's address.
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
 * <p>The SPI is per session: a {@link dev.posthorn.smtp.server.SessionHandler.Factory} makes a
 * {@link dev.posthorn.smtp.server.SessionHandler} for each connection (as go-smtp's {@code Backend.NewSession}); it is
 * asked at connect, HELO/EHLO, AUTH, MAIL and RCPT, given each message, told of each reset (RSET, HELO/EHLO,
 * STARTTLS, the end of each message) and closed exactly once when the connection ends, however it ends, so state per
 * session can be kept and freed. The builder's {@code policy(...)} and {@code sink(...)} run as such a handler
 * ({@code SessionHandler.of}). Handlers and policies can be chained: a decision may be
 * {@link dev.posthorn.smtp.server.Decision.Pass} ("no opinion, ask the next"), and a chain's first other answer wins
 * ({@code SessionHandler.chain}, {@code SessionPolicy.chain}; {@code SessionPolicy.inOrder} keeps its rule that only
 * objections end the asking). A pass that reaches the server is an acceptance.
 *
 * <p>Decisions come back as a closed set ({@link dev.posthorn.smtp.server.Decision}); an exception thrown by an
 * embedder's handler, policy, authenticator or sink, or a {@code null} answer, is a temporary failure (4xx), never
 * an acceptance.
 */
package dev.posthorn.smtp.server;
