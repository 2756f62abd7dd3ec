package dev.posthorn.mta.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.bounce.Notifier;
import dev.posthorn.mta.bounce.UntrustedReports;
import dev.posthorn.mta.delivery.Outcome;
import dev.posthorn.mta.delivery.Transport;
import dev.posthorn.mta.routing.Destination;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.MessageWriter;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link QueueRunner#reconfigure}: new attempts use the new parts; an attempt running finishes with its own. */
class ReconfigureTest {

    @TempDir
    Path dir;

    /** Local transports that note which messages they delivered; the blocking one waits for a latch first. */
    static final class Noting implements QueueRunner.LocalTransports {
        final List<String> delivered = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch proceed;

        Noting(boolean blocking) {
            this.proceed = new CountDownLatch(blocking ? 1 : 0);
        }

        @Override
        public Transport maildir(LocalDelivery.Maildir maildir, Destination.Mailbox mailbox) {
            return (envelope, recipients, body, trace) -> {
                entered.countDown();
                try {
                    proceed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                delivered.add(envelope.id());
                return List.of(new Outcome.Delivered("noted"));
            };
        }

        @Override
        public Transport lmtp(LocalDelivery.Lmtp lmtp) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Transport remote() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int maxReceivedHeaders() {
            return 100;
        }
    }

    static QueuedMessage commit(Spool spool, String id) throws Exception {
        try (MessageWriter writer = spool.writer(id)) {
            writer.body().write("Subject: t\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII));
            return writer.commit(Envelopes.of(id, Instant.now(), "s@x.test", "alice@a.test"));
        }
    }

    @Test
    void anAttemptInProgressFinishesWithItsPartsAndTheNextUsesTheNewOnes() throws Exception {
        Spool spool = Spool.open(dir.resolve("spool"));
        spool.sweep();
        LocalDomain domain = new LocalDomain("a.test", new Mailboxes.Listed(Set.of("alice")), Map.of(),
                Optional.empty(), true, new LocalDelivery.Maildir(dir.resolve("mail")));
        Router router = new Router(Map.of(domain.name(), domain), "mx.a.test");
        Notifier notifier = new Notifier(spool, "mx.a.test", "postmaster@a.test", () -> "R" + System.nanoTime(),
                100_000, UntrustedReports.NONE);
        RetrySchedule retries = new RetrySchedule(List.of(Duration.ofHours(1)), Duration.ofDays(5),
                Duration.ofDays(1));
        Noting old = new Noting(true);
        Noting fresh = new Noting(false);
        QueueRunner.Parts before = new QueueRunner.Parts(router, old, notifier, retries);
        try (QueueRunner runner = new QueueRunner(spool, before, Clock.systemUTC(), 4, 100,
                new SimpleMeterRegistry())) {
            runner.start();
            runner.submit(commit(spool, "01A"));
            old.entered.await();

            assertThat(runner.reconfigure(new QueueRunner.Parts(router, fresh, notifier, retries))).isSameAs(before);
            runner.submit(commit(spool, "01B"));
            await().atMost(Duration.ofSeconds(10)).until(() -> fresh.delivered.contains("01B"));

            old.proceed.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> old.delivered.contains("01A")
                    && !spool.contains("01A") && !spool.contains("01B"));
            assertThat(old.delivered).containsExactly("01A");
            assertThat(fresh.delivered).containsExactly("01B");
        }
    }
}
