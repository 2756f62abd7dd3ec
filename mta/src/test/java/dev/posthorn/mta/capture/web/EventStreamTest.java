package dev.posthorn.mta.capture.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.capture.CaptureStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event stream's bounds: heartbeats while idle, and a client that stops reading is dropped, not waited for. */
class EventStreamTest {

    @TempDir
    Path dir;

    private CaptureStore store;

    @BeforeEach
    void open() throws IOException {
        store = CaptureStore.open(dir, 100, null, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A client whose socket has filled: after the first write, every write waits until released. */
    private static final class StuckClient extends OutputStream {
        final CountDownLatch release = new CountDownLatch(1);
        private volatile int writes;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (writes++ == 0) {
                return;
            }
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new InterruptedIOException("interrupted");
            }
        }
    }

    @Test
    void aClientThatFallsBehindIsDropped() throws Exception {
        EventStream events = new EventStream(store, Duration.ofSeconds(30));
        StuckClient client = new StuckClient();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread serving = Thread.ofVirtual().start(() -> {
            try {
                events.serve(client);
            } catch (IOException | RuntimeException e) {
                failure.set(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> client.writes == 1);
        for (int i = 0; i <= EventStream.QUEUE + 1; i++) {
            store.deleteAll(null); // an event each: cleared
        }
        serving.join(Duration.ofSeconds(10));
        assertThat(serving.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(client.release.getCount()).isOne(); // it was never let go: the stream ended without it
        assertThat(events.full()).isFalse();
    }

    @Test
    void anIdleStreamSendsHeartbeatsUntilClosed() throws Exception {
        EventStream events = new EventStream(store, Duration.ofMillis(50));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStream synced = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (out) {
                    out.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (out) {
                    out.write(b, off, len);
                }
            }
        };
        Thread serving = Thread.ofVirtual().start(() -> {
            try {
                events.serve(synced);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> text(out).split(": heartbeat\n\n", -1).length > 3);
        store.deleteAll("box@dev.test");
        await().atMost(Duration.ofSeconds(10)).until(() -> text(out)
                .contains("event: cleared\ndata: {\"mailbox\":\"box@dev.test\"}\n\n"));
        assertThat(text(out)).startsWith("retry: 2000\n: posthorn events\n\n");
        events.close();
        serving.join(Duration.ofSeconds(10));
        assertThat(serving.isAlive()).isFalse();
        assertThat(events.full()).isTrue(); // closed: no new stream
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
