package dev.posthorn.mta.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.bounce.Notifier;
import dev.posthorn.mta.delivery.Outcome;
import dev.posthorn.mta.delivery.Transport;
import dev.posthorn.mta.routing.Destination;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.MessageWriter;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.smtp.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attempt that ends in an exception is an attempt: counted, followed by the next interval of the schedule, and
 * given up on at the end of the message's lifetime, with each notice sent once and no recipient delivered twice.
 */
class FailedAttemptTest {

    /** Now, as the writer sets a new message due now by the system clock; from here the manual clock rules. */
    private static final Instant START = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    /** Short enough to run many attempts at once; the manual clock alone decides lifetime and notices. */
    private static final List<Duration> INTERVALS = List.of(Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofMillis(9));

    @TempDir
    Path dir;

    /** Delivers to alice; throws for bob, every time (a transport's defect, a disk that fails in a strange way). */
    static final class FailingForBob implements QueueRunner.LocalTransports {
        final List<String> delivered = new CopyOnWriteArrayList<>();

        @Override
        public Transport maildir(LocalDelivery.Maildir maildir, Destination.Mailbox mailbox) {
            return (envelope, recipients, body, trace) -> {
                if (mailbox.mailbox().equals("bob")) {
                    throw new IllegalStateException("bob's mailbox is in a state nobody foresaw");
                }
                delivered.add(mailbox.mailbox());
                return List.of(new Outcome.Delivered("noted"));
            };
        }

        @Override
        public Transport lmtp(LocalDelivery.Lmtp lmtp) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Transport remote() {
            throw new UnsupportedOperationException(); // every recipient here is local
        }

        @Override
        public int maxReceivedHeaders() {
            return 100;
        }
    }

    @Test
    void anAttemptThatAlwaysThrowsIsCountedBacksOffAndEndsInOneBounceAtMaxLifetime() throws Exception {
        ManualClock clock = new ManualClock(START);
        Spool spool = Spool.open(dir.resolve("spool"));
        spool.sweep();
        LocalDomain domain = new LocalDomain("a.test", new Mailboxes.Listed(Set.of("alice", "bob")), Map.of(),
                Optional.empty(), true, new LocalDelivery.Maildir(dir.resolve("mail")));
        Router router = new Router(Map.of(domain.name(), domain), "mx.a.test");
        // Every report the sender asks for (the envelope here records no origin, which counts as untrusted).
        Notifier notifier = new Notifier(spool, "mx.a.test", "postmaster@a.test", () -> "R" + System.nanoTime(),
                100_000, dev.posthorn.mta.bounce.UntrustedReports.FULL);
        RetrySchedule retries = new RetrySchedule(INTERVALS, Duration.ofHours(1), Duration.ofMinutes(30));
        FailingForBob transports = new FailingForBob();
        try (QueueRunner runner = new QueueRunner(spool, new QueueRunner.Parts(router, transports, notifier,
                retries), clock, 2, 100, new SimpleMeterRegistry())) {
            runner.start();
            runner.submit(commit(spool));

            // Time moves on by milliseconds while the test waits (the retries are milliseconds apart): a message
            // that waits on disk falls due for the runner's scan, which reads the clock, as it would in real time.
            await().atMost(Duration.ofSeconds(10)).until(() -> ticked(clock, attempts(spool) >= INTERVALS.size() + 1));
            DeliveryState state = spool.load("01A").orElseThrow().state();
            // The next attempt follows the interval after the attempts made (the last one repeating).
            Instant lastAttempt = state.nextAttempt().minus(INTERVALS.get(Math.min(state.attempts(),
                    INTERVALS.size()) - 1));
            assertThat(lastAttempt).isBetween(START, clock.instant());
            assertThat(state.recipients().get(1).diagnostic()).startsWith("451 4.3.0");
            assertThat(reports(spool)).isEmpty();

            clock.advance(Duration.ofMinutes(31));
            await().atMost(Duration.ofSeconds(10)).until(() -> reports(spool).size() == 1);
            int noticedAt = attempts(spool);
            await().atMost(Duration.ofSeconds(10)).until(() -> ticked(clock, attempts(spool) > noticedAt + 2));
            assertThat(reports(spool)).containsExactly("delayed");

            clock.advance(Duration.ofMinutes(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> !spool.contains("01A"));
            await().atMost(Duration.ofSeconds(10)).until(runner::isIdle);
            assertThat(reports(spool)).containsExactlyInAnyOrder("delayed", "failed");
            assertThat(transports.delivered).containsExactly("alice");
        }
    }

    private static QueuedMessage commit(Spool spool) throws Exception {
        try (MessageWriter writer = spool.writer("01A")) {
            writer.body().write("Subject: t\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII));
            return writer.commit(Envelopes.of("01A", START, "s@x.test", "alice@a.test", "bob@a.test"));
        }
    }

    /** {@code done}, after moving {@code clock} on by ten milliseconds. */
    private static boolean ticked(ManualClock clock, boolean done) {
        clock.advance(Duration.ofMillis(10));
        return done;
    }

    private static int attempts(Spool spool) throws Exception {
        return spool.load("01A").map(m -> m.state().attempts()).orElse(Integer.MAX_VALUE);
    }

    /** The action of each report queued (the queue holds nothing else but the message). */
    private static List<String> reports(Spool spool) throws Exception {
        List<String> actions = new ArrayList<>();
        for (String id : spool.ids(100)) {
            if (id.equals("01A")) {
                continue;
            }
            QueuedMessage report = spool.load(id).orElseThrow();
            try (InputStream body = spool.body(report)) {
                String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                java.util.regex.Matcher action = java.util.regex.Pattern.compile("(?m)^Action: (\\w+)")
                        .matcher(text);
                actions.add(action.find() ? action.group(1) : "?");
            }
        }
        return actions;
    }
}
