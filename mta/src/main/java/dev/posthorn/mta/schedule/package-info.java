/**
 * The queue runner: memory only, rebuilt from the spool at start. It takes each queued message, routes its pending
 * recipients, hands them to the transports, records the outcomes in the spool and schedules the next attempt.
 *
 * <p>Trust boundary: none of its own; it moves data between the spool (trusted, validated at start) and the
 * transports. Its working set is bounded: at most {@code concurrency} deliveries run at once.
 */
package dev.posthorn.mta.schedule;
