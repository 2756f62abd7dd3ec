package dev.posthorn.smtp.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether one server is under {@link Stress}: told the open connections whenever one opens or closes, it switches
 * stress on at the settings' mark and off below three quarters of it, logging and telling the server's events once
 * each way. Deadlines read {@link #since()} on every read, so the switch itself takes no lock on that path.
 */
final class StressGauge {

    /** {@link #since()} when the server is not under stress. */
    static final long CALM = Long.MIN_VALUE;

    private static final Logger log = LoggerFactory.getLogger(StressGauge.class);

    /** The latest stress episode: when it began and, once it is over, when it ended ({@link System#nanoTime()}). */
    private record Episode(long began, long ended, boolean over) {
    }

    private final String server;
    private volatile Episode latest;
    private final AtomicLong cut = new AtomicLong();
    private long beganMillis;

    /** @param server the server's name, for the log */
    StressGauge(String server) {
        this.server = server;
    }

    /** When stress began ({@link System#nanoTime()}), or {@link #CALM} when the server is not under stress now. */
    long since() {
        Episode episode = latest;
        return episode == null || episode.over() ? CALM : episode.began();
    }

    /**
     * When a wait that began at {@code begun} ends: after {@code normal} plus {@code extra} nanoseconds, or, when the
     * latest stress episode overlaps the wait, after {@code stressed} plus {@code extra} from the start of the wait
     * or of stress, whichever came later, if that is sooner. A wait that stress shortened stays short when stress
     * ends before it does: otherwise the slow clients cut first would end stress and spare the rest.
     */
    long end(long begun, long normal, long stressed, long extra) {
        long end = begun + normal + extra;
        Episode episode = latest;
        if (episode != null && (!episode.over() || episode.ended() - begun > 0)) {
            long from = episode.began() - begun > 0 ? episode.began() : begun;
            long shorter = from + stressed + extra;
            if (shorter - end < 0) {
                end = shorter;
            }
        }
        return end;
    }

    /** Counts a session that ran out of time, if that happened under stress (for the log line at the end). */
    void timedOut() {
        if (since() != CALM) {
            cut.incrementAndGet();
        }
    }

    /** {@code open} connections are open now; switches stress on or off as {@code settings} say. */
    void update(int open, ServerSettings settings) {
        Stress stress = settings.stress();
        int max = settings.maxConnections();
        boolean on = since() != CALM;
        boolean begin = !on && stress.enabled() && open >= stress.beginsAt(max);
        boolean end = on && (!stress.enabled() || open < stress.endsBelow(max));
        if (begin || end) {
            change(open, settings);
        }
    }

    private synchronized void change(int open, ServerSettings settings) {
        Stress stress = settings.stress();
        int max = settings.maxConnections();
        if (since() == CALM && stress.enabled() && open >= stress.beginsAt(max)) {
            latest = new Episode(System.nanoTime(), 0, false);
            beganMillis = System.currentTimeMillis();
            cut.set(0);
            log.warn("{}: stress began: {} of {} connections open; sessions waiting for a command now get {}, message"
                    + " data {} plus {} octets/s", server, open, max, text(stress.commandTimeout()),
                    text(stress.dataTimeout()), settings.minDataRate());
            settings.events().stressBegan(open, max);
        } else if (since() != CALM && (!stress.enabled() || open < stress.endsBelow(max))) {
            latest = new Episode(latest.began(), System.nanoTime(), true);
            log.warn("{}: stress ended after {}: {} of {} connections open; {} sessions ran out of time meanwhile",
                    server, text(Duration.ofMillis(System.currentTimeMillis() - beganMillis)), open, max, cut.get());
            settings.events().stressEnded(open, max);
        }
    }

    private static String text(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
