/**
 * The queue runner: memory only, rebuilt from the spool at start. It takes each queued message, routes its pending
 * recipients, hands them to the transports, records the outcomes in the spool and schedules the next attempt.
 *
 * <p>Trust boundary: none of its own; it moves data between the spool (trusted, validated at start) and the
 * transports. Its working set is bounded twice: at most {@code concurrency} deliveries run at once, and at most
 * {@code queue.active_limit} messages are held in memory ({@link dev.posthorn.mta.schedule.ActiveSet}); a longer queue
 * stays on disk and is read in, earliest due first, by scans of the queue directory as places free up.
 */
package dev.posthorn.mta.schedule;
