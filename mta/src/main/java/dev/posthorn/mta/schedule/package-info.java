/**
 * The queue runner: memory only, rebuilt from the spool at start. It takes each queued message, routes its pending
 * recipients, hands them to the transports, records the outcomes in the spool and schedules the next attempt.
 *
 * <p>Trust boundary: none of its own; it moves data between the spool (trusted, validated at start) and the
 * transports. Its working set is bounded twice: at most {@code concurrency} deliveries run at once, and at most
 * {@code queue.active_limit} messages are held in memory ({@link dev.posthorn.mta.schedule.ActiveSet}); a longer queue
 * stays on disk and is read in, earliest due first, by scans of the queue directory as places free up
 * ({@link dev.posthorn.mta.schedule.DiskScan}), and at least every minute (so a message another process committed, such as sendmail's, is found).
 *
 * <p>The operator's commands ({@link dev.posthorn.mta.schedule.QueueControl}: list, show, hold, release, delete,
 * bounce, flush) work on the spool and first take the message out of the runner's hands in its active set: a command
 * on a message whose attempt is running waits for that attempt to end, at most 30 seconds, then answers busy (the
 * admin API's 409); no attempt starts on a message while a command has it. After each attempt that leaves a message
 * queued, one line of its history is written ({@link dev.posthorn.mta.schedule.AttemptHistory}) for
 * {@code posthorn explain}. What an attempt uses (router, transports, notifier, retry schedule) is one
 * {@link dev.posthorn.mta.schedule.QueueRunner.Parts}, swapped whole by a reload; an attempt keeps the parts it
 * started with. The queue's meters are in {@link dev.posthorn.mta.schedule.QueueMetrics}.
 */
package dev.posthorn.mta.schedule;
