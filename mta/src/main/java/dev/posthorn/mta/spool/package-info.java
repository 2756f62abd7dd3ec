/**
 * The spool: Posthorn's durable queue on disk. Knows nothing of SMTP: it stores a message body with its envelope
 * (addresses and parameters as plain text) and the delivery state of each recipient.
 *
 * <p>Layout under the spool root: {@code queue/} (committed messages, one file {@code <id>} each, plus
 * {@code <id>.state} once delivery has made progress, and {@code spare.<name>} files: messages being written, and
 * files of delivered messages kept for reuse), {@code tmp/} (state files being written), {@code corrupt/} (files that
 * failed validation at start-up, kept for the operator).
 *
 * <p>Commit protocol (the only way a message enters the queue): the body is streamed into a spare file in
 * {@code queue/} (a delivered message's file when one is kept, else a new one), the envelope block and a footer are
 * appended, the file is renamed to {@code <id>}, then the file and the directory are forced. Only then does {@link
 * dev.posthorn.mta.spool.Spool.Writer#commit} return, and only then may the receiver answer 250. Directory syncs of
 * concurrent commits are shared ({@link dev.posthorn.mta.spool.DirectorySync}), but none returns before a sync that
 * covers it.
 *
 * <p>Why this order and these spare files (measured with perf on the accept benchmark, ext4): allocating an inode
 * for every message and freeing it after delivery cost the kernel more than the fsync itself; reusing the file of a
 * delivered message avoids both. The file's force is a data force (fdatasync), which on a reused file of
 * similar length needs no journal commit of its own; the directory's force, shared by concurrent commits, carries
 * the rename. A rename within one directory avoids the file system's global lock for renames across directories. A crash before the forces return can leave a file under
 * its final name that is torn (its footer does not check: moved to {@code corrupt/}) or still holds a delivered
 * message (its envelope names another id: moved aside too); neither was ever acknowledged.
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
