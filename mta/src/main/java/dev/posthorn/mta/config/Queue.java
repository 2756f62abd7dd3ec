package dev.posthorn.mta.config;

import dev.posthorn.mta.bounce.UntrustedReports;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How long mail that cannot be delivered at once stays queued, and when it is tried again.
 *
 * @param retry              the waits between attempts: the n-th after the n-th attempt, the last one repeating;
 *                           at least one
 * @param maxLifetime        how long after arrival a message is given up on and bounced
 * @param delayNotice        how long after arrival the sender is told that the message is delayed (a "delayed" DSN,
 *                           RFC 3464); shorter than {@code maxLifetime}
 * @param maxReceivedHeaders a message with more Received header fields than this is taken for a loop and bounced
 *                           (RFC 5321 6.3); at least {@value #MIN_RECEIVED_HEADERS}
 * @param activeLimit        at most this many queued messages are held in memory for delivery; the rest wait on
 *                           disk and are read in as places free up (Postfix's {@code qmgr_message_active_limit});
 *                           at least 1
 * @param reportsForUntrusted the reports a sender gets whose message came from a client neither trusted nor
 *                            authenticated: none (no success or delay reports, failures with headers only),
 *                            headers (all, with headers only) or full (as asked, RET=FULL quoting the whole message)
 */
public record Queue(List<Duration> retry, Duration maxLifetime, Duration delayNotice, int maxReceivedHeaders,
                    int activeLimit, UntrustedReports reportsForUntrusted) {

    /**
     * The fewest Received headers that may count as a loop. RFC 5321 6.3 asks for a large threshold, "normally at
     * least 100"; a message legitimately passes through more than ten hosts only in odd setups.
     */
    public static final int MIN_RECEIVED_HEADERS = 10;

    public Queue {
        retry = List.copyOf(retry);
        if (retry.isEmpty()) {
            throw new IllegalArgumentException("queue.retry needs at least one interval");
        }
        retry.forEach(interval -> DurationLiteral.check(interval, "queue.retry"));
        DurationLiteral.check(maxLifetime, "queue.max_lifetime");
        DurationLiteral.check(delayNotice, "queue.delay_notice");
        if (delayNotice.compareTo(maxLifetime) >= 0) {
            throw new IllegalArgumentException("queue.delay_notice must be shorter than queue.max_lifetime");
        }
        if (maxReceivedHeaders < MIN_RECEIVED_HEADERS) {
            throw new IllegalArgumentException("queue.max_received_headers must be at least " + MIN_RECEIVED_HEADERS);
        }
        if (activeLimit < 1) {
            throw new IllegalArgumentException("queue.active_limit must be at least 1");
        }
        Objects.requireNonNull(reportsForUntrusted, "queue.reports_for_untrusted");
    }

    /** The same, with the safe reports for untrusted senders: none but failures, with headers only. */
    public Queue(List<Duration> retry, Duration maxLifetime, Duration delayNotice, int maxReceivedHeaders,
                 int activeLimit) {
        this(retry, maxLifetime, delayNotice, maxReceivedHeaders, activeLimit, UntrustedReports.NONE);
    }
}
