/**
 * The spool: Posthorn's durable queue. It stores a message body with its envelope and the delivery state of each
 * recipient. {@link dev.posthorn.mta.spool.Spool} is what the daemon, the queue runner and the operator's commands
 * use; {@link dev.posthorn.mta.spool.FileSpool} keeps the queue in a folder (the default, one daemon per folder),
 * {@link dev.posthorn.mta.spool.PgSpool} in a PostgreSQL database shared by several nodes, each claiming due messages
 * into leases (see that class). What follows describes the folder; the database keeps the same envelope and state
 * encodings in its rows. The envelope ({@link dev.posthorn.mta.spool.SpoolEnvelope}) is typed with the protocol core's values
 * (mailboxes, body type, DSN parameters), turned into text and back by its codec alone, so nothing that delivers or
 * reports parses envelope text again; the spool speaks no SMTP.
 *
 * <p>Layout under the spool root: {@code queue/} (committed messages, one file {@code <id>} each, plus
 * {@code <id>.state} once delivery has made progress or the operator held the message, {@code <id>.history} once an
 * attempt left it queued, {@code spare.<name>} files: messages being written, and files of delivered messages kept
 * for reuse, and {@code local.<id>} files: sendmail's messages being written beside the daemon, each locked by its
 * writer until committed), {@code tmp/} (state files being written), {@code corrupt/} (files that failed validation
 * at start-up, kept for the operator), {@code master.lock} (the running daemon's claim on the spool,
 * {@link dev.posthorn.mta.spool.SpoolLock}: one daemon per spool; sendmail commits beside it without the lock).
 *
 * <p>Commit protocol (the only way a message enters the queue): the body is streamed into a spare file in
 * {@code queue/} (a delivered message's file when one is kept, else a new one), the envelope block and a footer are
 * appended, the file is cut to its length and its content forced (fdatasync), it is renamed to {@code <id>}, and the
 * directory is forced. Only then does {@link dev.posthorn.mta.spool.MessageWriter#commit} return, and only then may the
 * receiver answer 250. Directory syncs of concurrent commits are shared ({@link
 * dev.posthorn.mta.spool.DirectorySync}), but none returns before a sync that covers it.
 *
 * <p>Why spare files (measured with perf on the accept benchmark, ext4): allocating an inode for every message and
 * freeing it after delivery cost the kernel more than the fsync itself; reusing the file of a delivered message
 * avoids both, and a data force of a reused file of similar length needs no journal commit of its own. A rename
 * within one directory avoids the file system's global lock for renames across directories. The content is forced
 * before the rename: a reused file must never reach its queue name holding blocks of the message it held before. A
 * crash before the rename leaves only a spare file (reused or deleted later); after it, a whole message that may not
 * have been acknowledged (a duplicate at worst, never a loss).
 *
 * <p>A full file system: {@code limits.min_free_disk} keeps room at MAIL, and a message larger than the room left
 * fails its write, force or rename with {@link dev.posthorn.mta.spool.DiskFull} (the receiver answers {@code 452
 * 4.3.1}); closing the uncommitted writer removes its file, so nothing partial stays behind and the room comes back.
 * A reused spare file takes a message no longer than itself even on a full disk: its blocks are already allocated.
 * Nothing written before is touched: committed files are never written again, only renamed or removed.
 *
 * <p>The message file is self-validating: body, then the envelope block, then a fixed footer holding a magic
 * number, the format version, the body and envelope lengths and a CRC-32 of the envelope. A file whose footer or
 * checksum does not match is torn or damaged and is moved to {@code corrupt/} by the start-up sweep, never
 * delivered. Delivery progress rewrites only the small state file (write, force, rename), never the body.
 *
 * <p>A state file's time is the message's next attempt, so a scan learns what is due from file times alone; a
 * message the operator holds has the time {@link dev.posthorn.mta.spool.Scan#HELD}, which no scan reaches, and its
 * state says so (it stays held across restarts). The history ({@link dev.posthorn.mta.spool.History}) is diagnostics
 * for the operator: lines appended without a force, read back at most a megabyte, a damaged line skipped; it never
 * decides anything about delivery, and it leaves with its message.
 *
 * <p>Trust boundary: envelope text comes from SMTP peers, already validated by the protocol core; the codec escapes
 * every value so no value can break a line of the envelope format. History lines (written by the queue runner, with
 * remote servers' replies in them) have CR and LF replaced and are cut at 64 KiB. Queued mail is other people's
 * mail: every file and folder the spool makes is its owner's only (0600, 0700), given at creation ({@link
 * dev.posthorn.mta.spool.OwnerOnly}) so that no umask opens it even for a moment.
 */
package dev.posthorn.mta.spool;
