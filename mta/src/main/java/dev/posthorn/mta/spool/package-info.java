/**
 * The spool: Posthorn's durable queue on disk. Knows nothing of SMTP: it stores a message body with its envelope
 * (addresses and parameters as plain text) and the delivery state of each recipient.
 *
 * <p>Layout under the spool root: {@code tmp/} (files being written), {@code queue/} (committed messages, one file
 * {@code <id>} each, plus {@code <id>.state} once delivery has made progress), {@code corrupt/} (files that failed
 * validation at start-up, kept for the operator).
 *
 * <p>Commit protocol (the only way a message enters {@code queue/}): the body is streamed into {@code tmp/<id>}, the
 * envelope block and a footer are appended, the file is forced to disk, renamed into {@code queue/}, and the
 * directory is forced. Only then does {@link dev.posthorn.mta.spool.Spool.Writer#commit} return, and only then may
 * the receiver answer 250. Directory syncs of concurrent commits are shared ({@link
 * dev.posthorn.mta.spool.DirectorySync}), but none returns before a sync that covers it.
 *
 * <p>The message file is self-validating: body, then the envelope block, then a fixed footer holding a magic
 * number, the format version, the body and envelope lengths and a CRC-32 of the envelope. A file whose footer or
 * checksum does not match is torn or damaged and is moved to {@code corrupt/} by the start-up sweep, never
 * delivered. Delivery progress rewrites only the small state file (write, force, rename), never the body.
 *
 * <p>Trust boundary: envelope text comes from SMTP peers, already validated by the protocol core; the codec escapes
 * every value so no value can break a line of the envelope format.
 */
package dev.posthorn.mta.spool;
