package dev.posthorn.smtp.server;

import dev.posthorn.smtp.io.BulkFilterInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The socket's input with a time limit on every read. A command line has a deadline for the whole line (it must
 * arrive within the command timeout, however slowly its bytes trickle in); message data has an idle limit between
 * reads and a deadline for the whole transfer: the data timeout plus its octets at the minimum data rate (Postfix's
 * {@code smtpd_min_data_rate}), so a byte a second cannot hold a connection for as long as a message's size would
 * allow. RFC 5321 4.5.3.2 sets the minimums of the normal timeouts. Under {@link Stress} both deadlines shrink, from
 * the start of the wait or of stress, whichever came later.
 *
 * <p>A read armed before stress began waits with its old timeout; the server's deadline watch finds it through
 * {@link #overdue} and ends it with {@link #expire}, after which the read throws {@link SocketTimeoutException} as if
 * its own timeout had passed. Everything that watch reads is volatile; only the connection's thread writes, but
 * {@link #expire}.
 */
final class TimedInput extends BulkFilterInputStream {

    /** How late a blocked read may be before the watch ends it (its own timeout fires first when armed right). */
    private static final long GRACE = Duration.ofMillis(250).toNanos();

    private static final Duration YEAR = Duration.ofDays(365);

    private enum Wait { COMMAND, DATA }

    private final Socket socket;
    private final Socket plain;
    private final ServerSettings settings;
    private final StressGauge gauge;
    private volatile Wait wait = Wait.COMMAND;
    private volatile long commandStart = System.nanoTime();
    private volatile long commandLimit = nanos(Duration.ofMinutes(1));
    private volatile long dataStart;
    private volatile long dataLimit;
    private volatile long octets;
    private volatile int idleMillis = 60_000;
    private volatile boolean reading;
    private volatile long armedUntil;
    private volatile boolean expired;

    /**
     * @param socket the socket read from (TLS or not)
     * @param plain  the TCP socket under it, whose input {@link #expire} shuts
     */
    TimedInput(Socket socket, Socket plain, ServerSettings settings, StressGauge gauge) throws IOException {
        super(socket.getInputStream());
        this.socket = socket;
        this.plain = plain;
        this.settings = settings;
        this.gauge = gauge;
    }

    /** From now on, all reads together must finish within {@code limit} (shorter under stress): a command. */
    void deadline(Duration limit) {
        commandLimit = nanos(limit);
        commandStart = System.nanoTime();
        wait = Wait.COMMAND;
    }

    /**
     * From now on message data: each read may wait up to {@code idle}, and the whole transfer may take {@code idle}
     * plus its octets at the minimum data rate (less under stress).
     */
    void data(Duration idle) {
        idleMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, idle.toMillis()));
        dataLimit = nanos(idle);
        octets = 0;
        dataStart = System.nanoTime();
        wait = Wait.DATA;
    }

    /**
     * Back to the message data after a command between its chunks (BDAT): its deadline keeps running, and is checked
     * now, since a tiny chunk arrives with its command and needs no read of its own.
     */
    void resumeData() throws SocketTimeoutException {
        wait = Wait.DATA;
        if (end() - System.nanoTime() <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
    }

    /** When the current wait ends, in {@link System#nanoTime()} terms. */
    private long end() {
        Stress stress = settings.stress();
        if (wait == Wait.DATA) {
            long extra = octets * 1000 / settings.minDataRate() * 1_000_000;
            return gauge.end(dataStart, dataLimit, nanos(stress.dataTimeout()), extra);
        }
        return gauge.end(commandStart, commandLimit, nanos(stress.commandTimeout()), 0);
    }

    private void arm() throws IOException {
        if (expired) {
            throw new SocketTimeoutException("deadline passed");
        }
        long now = System.nanoTime();
        long remaining = (end() - now) / 1_000_000;
        if (remaining <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        int timeout = (int) Math.min(wait == Wait.DATA ? idleMillis : Integer.MAX_VALUE, remaining);
        armedUntil = now + timeout * 1_000_000L;
        socket.setSoTimeout(timeout);
    }

    /**
     * Whether a read is blocked past its deadline with a timeout that will not end it in time (it was armed before
     * stress shortened the deadline).
     */
    boolean overdue(long now) {
        if (!reading || expired) {
            return false;
        }
        long end = end();
        return now - end > 0 && armedUntil - end > GRACE;
    }

    /** Ends the blocked read (the TCP input is shut, which wakes it); it and every later one time out. */
    void expire() {
        expired = true;
        try {
            plain.shutdownInput();
        } catch (IOException e) {
            // closed already: the read has ended anyway
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        arm();
        reading = true;
        try {
            int n = in.read(b, off, len);
            if (expired) {
                throw new SocketTimeoutException("deadline passed");
            }
            if (n > 0 && wait == Wait.DATA) {
                octets += n;
            }
            return n;
        } catch (IOException e) {
            if (expired && !(e instanceof SocketTimeoutException)) {
                throw new SocketTimeoutException("deadline passed");
            }
            throw e;
        } finally {
            reading = false;
        }
    }

    /** {@code duration} in nanoseconds, at most a year (so that sums of deadlines cannot overflow). */
    static long nanos(Duration duration) {
        return duration.compareTo(YEAR) > 0 ? YEAR.toNanos() : duration.toNanos();
    }
}
