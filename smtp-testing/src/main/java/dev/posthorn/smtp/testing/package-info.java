/**
 * The SMTP dialogue runner: {@link dev.posthorn.smtp.testing.Dialog} parses a {@code *.dialog} file (the format of
 * {@code conformance/shared/README.md}), {@link dev.posthorn.smtp.testing.DialogRunner} plays it against a server
 * over a real socket and reports a {@link dev.posthorn.smtp.testing.DialogResult} with a printable transcript.
 *
 * <p>The files are written so that any SMTP implementation can be checked with them; the runner therefore asserts
 * only what travels on the wire (codes, enhanced codes, words of the reply text, silence and closing) and never looks
 * inside a server.
 *
 * <p>{@link dev.posthorn.smtp.testing.DnsResponder} is the DNS side of the same idea: a real server on a loopback
 * port, with zone data and faults (SERVFAIL, silence, truncation) chosen by the test, so that MX routing and DANE
 * lookups are tested over the wire. Its public API takes plain strings, so users need not know dnsjava, which
 * encodes and decodes the messages for it. It trusts nothing it receives: bytes that do not parse as a DNS message
 * get no answer, TCP messages are length-bounded by their prefix (at most 65,535 octets), idle TCP connections are
 * closed, and at most ten thousand queries are kept for inspection.
 */
package dev.posthorn.smtp.testing;
