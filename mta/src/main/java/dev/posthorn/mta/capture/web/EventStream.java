package dev.posthorn.mta.capture.web;

import dev.posthorn.mta.admin.Json;
import dev.posthorn.mta.capture.CaptureEvent;
import dev.posthorn.mta.capture.CaptureStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/events}: the store's changes as Server-Sent Events (HTML Living Standard 9.2): {@code added}
 * with the message's list entry, {@code deleted} with its id, {@code cleared} with the mailbox (null for all), and a
 * comment line every heartbeat so that proxies and the idle timeout keep the stream open.
 *
 * <p>Bounds: at most {@value #MAX_CLIENTS} streams at once (503 beyond); each client has a queue of {@value #QUEUE}
 * events, filled by the store's thread without waiting: a client whose queue is full has fallen behind and is
 * dropped (its stream ends; EventSource reconnects and the page reloads its list).
 */
final class EventStream {

    static final int MAX_CLIENTS = 32;
    static final int QUEUE = 256;
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);

    private final CaptureStore store;
    private final Duration heartbeat;
    private final Set<Thread> serving = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    EventStream(CaptureStore store, Duration heartbeat) {
        this.store = store;
        this.heartbeat = heartbeat;
    }

    /** Whether another stream may open now. */
    boolean full() {
        return closed || serving.size() >= MAX_CLIENTS;
    }

    /**
     * Writes events to {@code out} until the client goes (an IOException), falls behind or the server closes (a
     * normal return); blocks meanwhile.
     */
    void serve(OutputStream out) throws IOException {
        Client client = new Client(Thread.currentThread());
        serving.add(client.thread);
        AutoCloseable subscription = store.subscribe(client::offer);
        try {
            write(out, "retry: 2000\n: posthorn events\n\n");
            while (!closed) {
                CaptureEvent event = client.queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                write(out, event == null ? ": heartbeat\n\n" : frame(event));
            }
        } catch (InterruptedException | InterruptedIOException e) {
            // dropped (logged below) or the server is closing: the stream ends either way
        } finally {
            serving.remove(client.thread);
            unsubscribe(subscription);
            client.end();
        }
    }

    /** One stream's queue, filled by the store's thread; the first event that does not fit drops the client. */
    private static final class Client {
        final BlockingQueue<CaptureEvent> queue = new ArrayBlockingQueue<>(QUEUE);
        final Thread thread;
        private boolean dropped;
        private boolean ended;

        Client(Thread thread) {
            this.thread = thread;
        }

        synchronized void offer(CaptureEvent event) {
            if (!queue.offer(event) && !dropped && !ended) {
                dropped = true;
                thread.interrupt();
            }
        }

        /** No interrupt comes after this; one that came is cleared before the thread goes back to Jetty. */
        synchronized void end() {
            ended = true;
            Thread.interrupted();
            if (dropped) {
                log.info("event stream: a client fell {} events behind and was dropped", QUEUE);
            }
        }
    }

    private static void unsubscribe(AutoCloseable subscription) {
        try {
            subscription.close();
        } catch (Exception e) {
            log.warn("event stream: unsubscribing failed", e);
        }
    }

    /** One event: the data is one line of JSON, so it needs no {@code data:} continuation. */
    static String frame(CaptureEvent event) {
        return switch (event) {
            case CaptureEvent.Added added -> "event: added\ndata: " + MessageJson.summary(added.message()) + "\n\n";
            case CaptureEvent.Deleted deleted -> "event: deleted\ndata: "
                    + Json.object(json -> json.writeStringField("id", deleted.id())) + "\n\n";
            case CaptureEvent.Cleared cleared -> "event: cleared\ndata: "
                    + Json.object(json -> json.writeStringField("mailbox", cleared.mailbox())) + "\n\n";
        };
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Ends every stream. */
    void close() {
        closed = true;
        serving.forEach(Thread::interrupt);
    }
}
