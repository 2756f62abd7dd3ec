package dev.posthorn.mta.capture;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each {@link CaptureEvent} to every subscriber through the subscriber's own bounded queue and thread, so
 * publishing never waits: an SMTP session that stores a message must not wait for a slow web client. A subscriber
 * whose queue is full misses events (counted and logged); it can list the store again to catch up.
 */
final class EventFanout implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventFanout.class);

    /** Events a subscriber may fall behind by before it misses some. */
    static final int QUEUE = 1024;

    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

    void publish(CaptureEvent event) {
        for (Subscription subscription : subscriptions) {
            subscription.offer(event);
        }
    }

    AutoCloseable subscribe(Consumer<CaptureEvent> listener) {
        Subscription subscription = new Subscription(listener);
        subscriptions.add(subscription);
        subscription.thread.start();
        return () -> {
            subscriptions.remove(subscription);
            subscription.thread.interrupt();
        };
    }

    @Override
    public void close() {
        for (Subscription subscription : subscriptions) {
            subscriptions.remove(subscription);
            subscription.thread.interrupt();
        }
    }

    private static final class Subscription implements Runnable {
        private final Consumer<CaptureEvent> listener;
        private final BlockingQueue<CaptureEvent> queue = new ArrayBlockingQueue<>(QUEUE);
        private final AtomicLong missed = new AtomicLong();
        private final Thread thread;

        Subscription(Consumer<CaptureEvent> listener) {
            this.listener = listener;
            this.thread = Thread.ofVirtual().name("capture-events").unstarted(this);
        }

        void offer(CaptureEvent event) {
            if (!queue.offer(event) && missed.incrementAndGet() == 1) {
                log.warn("a capture event subscriber falls behind; it misses events");
            }
        }

        @Override
        public void run() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    CaptureEvent event = queue.take();
                    try {
                        listener.accept(event);
                    } catch (RuntimeException e) {
                        log.warn("a capture event subscriber failed", e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
