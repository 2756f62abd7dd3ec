package dev.posthorn.mta.schedule;

import dev.posthorn.mta.bounce.RecipientReport;
import dev.posthorn.mta.delivery.DeliveryTrace;
import dev.posthorn.mta.delivery.Outcome;
import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Scan;
import dev.posthorn.mta.spool.Spool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The queue's meters (Prometheus names once exported): {@code posthorn_queue_messages{state}},
 * {@code posthorn_delivery_attempts_total{outcome,transport}}, {@code posthorn_delivery_seconds} (arrival to final
 * delivery), {@code posthorn_dsn_total{kind}} and {@code posthorn_tls_sessions_total{direction="out",protocol}}.
 *
 * <p>The queue size comes from the file times of the queue directory ({@link Spool#census}), no message opened.
 * A scrape never waits for the disk: it reads the last count, and when that is older than {@link #CENSUS_AGE} it
 * starts one count on a thread of its own for the next scrape. A queue of a million messages then costs its scrapes
 * nothing, and its disk one walk per scrape at most, never two at once.
 */
final class QueueMetrics {

    /** The queue gauges' help: a queue several nodes share is counted whole on each (take the max, not the sum). */
    private static final String QUEUED = "Queued messages by state (a shared queue: every node's messages, counted"
            + " the same on each node)";

    static final Duration CENSUS_AGE = Duration.ofSeconds(2);

    private final MeterRegistry registry;
    private final Spool spool;
    private final Clock clock;
    private final Timer latency;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicBoolean counting = new AtomicBoolean();
    private volatile Scan.Census census = new Scan.Census(0, 0, 0);
    private volatile Instant censusAt = Instant.MIN;

    QueueMetrics(MeterRegistry registry, Spool spool, Clock clock) {
        this.registry = registry;
        this.spool = spool;
        this.clock = clock;
        this.latency = Timer.builder("posthorn.delivery")
                .description("Time from arrival to final delivery of a recipient")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder("posthorn.queue.messages", this, m -> m.census().due()).tag("state", "active")
                .description(QUEUED).register(registry);
        Gauge.builder("posthorn.queue.messages", this, m -> m.census().later()).tag("state", "deferred")
                .description(QUEUED).register(registry);
        Gauge.builder("posthorn.queue.messages", this, m -> m.census().held()).tag("state", "held")
                .description(QUEUED).register(registry);
    }

    /** The last count of the queue by state; a count older than {@link #CENSUS_AGE} starts a new one. */
    Scan.Census census() {
        Instant now = clock.instant();
        if (!now.isBefore(censusAt.plus(CENSUS_AGE)) && counting.compareAndSet(false, true)) {
            Thread.ofVirtual().name("queue-census").start(() -> {
                try {
                    census = spool.census(now);
                    censusAt = now;
                } catch (IOException | RuntimeException e) {
                    // keep the last count: a scrape must not fail for a directory read
                } finally {
                    counting.set(false);
                }
            });
        }
        return census;
    }

    /** An attempt in the meters: each outcome by transport, delivery latency, new TLS sessions. */
    void count(QueuedMessage message, Attempt attempt,
               DeliveryState after, Instant now) {
        for (Map.Entry<Integer, List<Attempt.Tried>> entry : attempt.tried().entrySet()) {
            for (Attempt.Tried tried : entry.getValue()) {
                if (!tried.transport().equals("none")) {
                    attempted(tried.outcome(), tried.transport());
                }
            }
            if (after.recipients().get(entry.getKey()).status()
                    == DeliveryState.Status.DELIVERED) {
                delivered(Duration.between(message.envelope().receivedAt(), now));
            }
        }
        for (DeliveryTrace trace : attempt.traces()) {
            trace.negotiatedProtocol().ifPresent(this::tlsSession);
        }
    }

    /** One recipient's outcome through one transport ({@code smtp}, {@code lmtp}, {@code maildir}, {@code discard}). */
    void attempted(Outcome outcome, String transport) {
        String name = switch (outcome) {
            case Outcome.Delivered delivered -> "delivered";
            case Outcome.Deferred deferred -> "deferred";
            case Outcome.Failed failed -> "failed";
        };
        counter("posthorn.delivery.attempts", "outcome", name, "transport", transport).increment();
    }

    /** A recipient delivered for good, {@code waited} after the message arrived. */
    void delivered(Duration waited) {
        latency.record(waited.isNegative() ? Duration.ZERO : waited);
    }

    /** A delivery status notification queued. */
    void report(RecipientReport.Action action) {
        String kind = switch (action) {
            case FAILED -> "failure";
            case DELAYED -> "delay";
            case RELAYED -> "relayed";
            case DELIVERED, EXPANDED -> "success";
        };
        counter("posthorn.dsn", "kind", kind).increment();
    }

    /** A new outbound TLS session. */
    void tlsSession(String protocol) {
        counter("posthorn.tls.sessions", "direction", "out", "protocol", protocol).increment();
    }

    private Counter counter(String name, String... tags) {
        String key = name + String.join("|", tags);
        return counters.computeIfAbsent(key.toLowerCase(Locale.ROOT), k -> Counter.builder(name).tags(tags)
                .register(registry));
    }
}
