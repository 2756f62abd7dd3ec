/**
 * A POP3 server (RFC 1939, CAPA of RFC 2449, STLS of RFC 2595, response codes of RFC 3206) for {@code posthorn dev}:
 * a mail client or a test reads what the capture store holds, one mailbox (a recipient address) per user name.
 *
 * <p>Shape: {@link dev.posthorn.mta.pop3.Pop3Server} accepts and runs each connection on its own virtual thread;
 * the {@code Connection} owns the socket, TLS and deadlines and is the only writer; the {@code Session} is the state
 * machine (a parsed {@code Command} in, an {@code Action} out); {@link dev.posthorn.mta.pop3.Maildrop} is all it
 * needs of a store, {@link dev.posthorn.mta.pop3.CaptureMaildrop} adapts the capture store.
 *
 * <p>Trust boundary: every octet from the peer is untrusted. A command line is at most 255 octets with its CRLF
 * (RFC 2449 4) and must come within the idle timeout; a line with no end is dropped after 1 MiB and ends the
 * connection; too many bad commands end it too; the connections are bounded. A client that takes no output for the
 * idle timeout is cut off. Responses are server text only (no peer text is echoed); peer text reaches logs only
 * through {@link dev.posthorn.smtp.LogText#escape}. Octets pipelined after STLS, before the handshake, close the
 * connection (RFC 2595 4, the CVE-2011-0411 class), and what USER said before TLS is forgotten. Message bytes come
 * from the store, not the peer, and are sent byte-stuffed with CRLF line ends, so a stored line of a lone dot cannot
 * end a response early. The maildrop is locked per mailbox for a session (RFC 1939 4); without QUIT nothing is
 * deleted. Passwords are compared in constant time and never logged. This is a development server: with no users
 * configured, any password opens any mailbox.
 */
package dev.posthorn.mta.pop3;
