/**
 * Byte streams of the SMTP wire: a bounded line reader, the DATA dot-unstuffing and dot-stuffing streams, and the
 * BDAT chunk stream.
 *
 * <p>Trust boundary: input comes from the peer. Every line has a length limit; a message ends only on
 * {@code CRLF . CRLF} (RFC 5321 4.1.1.4). Bare CR and bare LF never end a line inside DATA and never start one for
 * dot handling: they are normalised to CRLF in what is stored, which closes the SMTP smuggling family
 * (CVE-2023-51764/51765/51766) while keeping mail from sloppy clients.
 */
package dev.posthorn.smtp.io;
