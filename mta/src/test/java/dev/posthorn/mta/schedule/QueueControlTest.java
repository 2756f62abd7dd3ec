package dev.posthorn.mta.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.bounce.Notifier;
import dev.posthorn.mta.bounce.UntrustedReports;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.spool.Spool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator's command on a message whose attempt is running waits for the attempt; it never races it. */
class QueueControlTest {

    @TempDir
    Path dir;

    @Test
    void aCommandDuringAnAttemptWaitsForItAndThenSeesWhatItLeft() throws Exception {
        Spool spool = Spool.open(dir.resolve("spool"));
        spool.sweep();
        LocalDomain domain = new LocalDomain("a.test", new Mailboxes.Listed(Set.of("alice")), Map.of(),
                Optional.empty(), true, new LocalDelivery.Maildir(dir.resolve("mail")));
        Router router = new Router(Map.of(domain.name(), domain), "mx.a.test");
        ReconfigureTest.Noting blocking = new ReconfigureTest.Noting(true);
        QueueRunner.Parts parts = new QueueRunner.Parts(router, blocking,
                new Notifier(spool, "mx.a.test", "postmaster@a.test", () -> "R" + System.nanoTime(), 100_000,
                        UntrustedReports.NONE),
                new RetrySchedule(List.of(Duration.ofHours(1)), Duration.ofDays(5), Duration.ofDays(1)));
        try (QueueRunner runner = new QueueRunner(spool, parts, Clock.systemUTC(), 4, 100,
                new SimpleMeterRegistry())) {
            runner.start();
            runner.submit(ReconfigureTest.commit(spool, "01A"));
            blocking.entered.await();

            assertThat(runner.control().list(QueueControl.Filter.all())).singleElement()
                    .satisfies(e -> assertThat(e.state()).isEqualTo(QueueControl.State.ACTIVE));
            CompletableFuture<QueueControl.Result> hold = CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.control().hold("01A");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // The hold waits for the attempt: it stays unanswered for as long as the attempt is held up.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !hold.isDone());
            blocking.proceed.countDown();
            // The attempt delivered the message and removed it; the hold, which waited, finds it gone.
            assertThat(hold.get()).isEqualTo(QueueControl.Result.NOT_FOUND);
            assertThat(blocking.delivered).containsExactly("01A");
            await().atMost(Duration.ofSeconds(10)).until(() -> !spool.contains("01A"));
            assertThat(runner.control().hold("01A")).isEqualTo(QueueControl.Result.NOT_FOUND);
            assertThat(runner.control().show("01A")).isEmpty();
        }
    }
}
