package dev.posthorn.smtp.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether one server is under {@link Stress}: told the open connections whenever one opens or closes, it switches
 * stress on at the settings' mark and off once they have stayed below three quarters of it for the longer stress
 * deadline, logging and telling the server's events once each way. Deadlines read {@link #since()} on every read, so the switch itself takes no lock on that path.
 */
final class StressGauge {

    /** {@link #since()} when the server is not under stress. */
    static final long CALM = Long.MIN_VALUE;
    private static final long NOT_CALM = Long.MIN_VALUE;

    private static final Logger log = LoggerFactory.getLogger(StressGauge.class);

    /** The latest stress episode: when it began and, once it is over, when it ended ({@link System#nanoTime()}). */
    private record Episode(long began, long ended, boolean over) {
    }

    private final String server;
    private volatile Episode latest;
    /** Since when the connections are under the end mark while under stress, or {@link #NOT_CALM}. */
    private volatile long calmSince = NOT_CALM;
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

    /**
     * {@code open} connections are open now; switches stress on or off as {@code settings} say. Called when a
     * connection opens or closes, and by the deadline watch a few times a second (so that stress can end while no
     * connection comes or goes).
     */
    void update(int open, ServerSettings settings) {
        Stress stress = settings.stress();
        int max = settings.maxConnections();
        if (since() == CALM) {
            if (stress.enabled() && open >= stress.beginsAt(max)) {
                change(open, settings);
            }
        } else if (!stress.enabled() || open < stress.endsBelow(max)) {
            change(open, settings);
        } else if (calmSince != NOT_CALM) {
            calmSince = NOT_CALM; // back over the mark before stress could end: a wave of cuts, not the end
        }
    }

    private synchronized void change(int open, ServerSettings settings) {
        Stress stress = settings.stress();
        int max = settings.maxConnections();
        long now = System.nanoTime();
        if (since() == CALM && stress.enabled() && open >= stress.beginsAt(max)) {
            latest = new Episode(now, 0, false);
            calmSince = NOT_CALM;
            beganMillis = System.currentTimeMillis();
            cut.set(0);
            log.warn("{}: stress began: {} of {} connections open; sessions waiting for a command now get {}, message"
                    + " data {} plus {} octets/s", server, open, max, text(stress.commandTimeout()),
                    text(stress.dataTimeout()), settings.minDataRate());
            settings.events().stressBegan(open, max);
        } else if (since() != CALM && (!stress.enabled() || open < stress.endsBelow(max))) {
            if (calmSince == NOT_CALM) {
                calmSince = now;
            }
            if (stress.enabled() && now - calmSince < settle(stress)) {
                return;
            }
            latest = new Episode(latest.began(), now, true);
            log.warn("{}: stress ended after {}: {} of {} connections open; {} sessions ran out of time meanwhile",
                    server, text(Duration.ofMillis(System.currentTimeMillis() - beganMillis)), open, max, cut.get());
            settings.events().stressEnded(open, max);
        }
    }

    /**
     * How long the connections must stay under the end mark before stress ends: the longer stress deadline, by
     * which every session that began under stress has ended or been cut. A flood that is cut in waves and comes
     * back drops under the mark for moments only, and stays one episode.
     */
    private static long settle(Stress stress) {
        Duration longer = stress.commandTimeout().compareTo(stress.dataTimeout()) > 0 ? stress.commandTimeout()
                : stress.dataTimeout();
        return TimedInput.nanos(longer);
    }

    private static String text(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
