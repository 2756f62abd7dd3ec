package dev.posthorn.mta.delivery;

import dev.posthorn.smtp.client.SmtpClient;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Idle SMTP sessions kept for the next message to the same server (RFC 5321 3.3: one connection may carry many
 * transactions), which saves the connection, greeting, EHLO and TLS handshake per message. Bounded: at most as
 * many sessions per server as deliveries run at once, each reused a limited number of times and kept idle for
 * seconds, so a remote server's own idle timeout (RFC 5321 4.5.3.2.7, at least 5 minutes) is never reached and a
 * burst does not leave a server holding our idle connections for long.
 *
 * <p>Why as many as deliveries (measured, bench/accept-rate --mode relay): with 4 kept per server, 20 deliveries to
 * one busy server closed most sessions as surplus after one message and opened new ones: 540 connections for 2,000
 * messages, where Postfix's cache made 125.
 */
final class ConnectionCache implements AutoCloseable {

    private static final long MAX_IDLE_NANOS = 10_000_000_000L;
    private static final int MAX_USES = 100;
    /** The queue runner's concurrency: each delivery running at once may leave one session behind. */
    static final int MAX_IDLE_PER_SERVER = 20;

    /** A session that has carried {@code uses} transactions. */
    record Lease(SmtpClient client, int uses) {
    }

    private record Idle(SmtpClient client, long since, int uses) {
    }

    private final Map<String, Deque<Idle>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** An idle session to {@code key}'s server that is young enough, or {@code null}. */
    Lease take(String key) {
        Deque<Idle> sessions = idle.get(key);
        if (sessions == null) {
            return null;
        }
        while (true) {
            Idle session;
            synchronized (sessions) {
                session = sessions.pollFirst();
            }
            if (session == null) {
                return null;
            }
            if (System.nanoTime() - session.since() < MAX_IDLE_NANOS) {
                return new Lease(session.client(), session.uses());
            }
            quit(session.client());
        }
    }

    /** Keeps a session that just completed a transaction, or ends it when it has served enough. */
    void give(String key, SmtpClient client, int uses) {
        if (closed || uses >= MAX_USES) {
            quit(client);
            return;
        }
        Deque<Idle> sessions = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
        Idle surplus = null;
        synchronized (sessions) {
            sessions.addFirst(new Idle(client, System.nanoTime(), uses));
            if (sessions.size() > MAX_IDLE_PER_SERVER) {
                surplus = sessions.pollLast();
            }
        }
        if (surplus != null) {
            quit(surplus.client());
        }
    }

    static void quit(SmtpClient client) {
        try (client) {
            client.quit();
        } catch (IOException e) {
            // it is being closed either way
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Deque<Idle> sessions : idle.values()) {
            synchronized (sessions) {
                sessions.forEach(session -> quit(session.client()));
                sessions.clear();
            }
        }
    }
}
