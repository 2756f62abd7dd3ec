package dev.posthorn.mta.daemon;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dns;
import dev.posthorn.mta.config.Limits;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.config.Network;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.smtp.client.SendOptions;
import dev.posthorn.smtp.client.SmtpClient;
import java.io.ByteArrayInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * Runs mail through the daemon's own accept and delivery path before the real listeners open, so that the JIT
 * compiler has compiled it when the first client arrives ({@code posthorn run --warmup}).
 *
 * <p>Why a warm-up and not a JVM option (bench/RESULTS.md, "warm-up"): without it the first 10,000 messages after a
 * start are accepted at about 55 % of the rate of later ones, the difference being the JIT compiling the hot path
 * while clients wait. The JDK 25 ahead-of-time cache (classes and profiles, no compiled code) brought that to 68 %;
 * lower compile thresholds changed nothing; C1 alone was warm at once but 15 % slower for good. Compiling before the
 * listeners open moves that cost to the start, where no client waits.
 *
 * <p>What runs: a second daemon, complete (policy, spool with its forces, queue runner, discard delivery), on a
 * configuration of its own with its spool in a temporary folder and one MX listener on a free loopback port;
 * {@value #SESSIONS} virtual threads send it 1 KB messages, a new connection each, half through the daemon's SMTP
 * client (EHLO), half HELO one command at a time, until the time is up. Then it is closed and its folder removed. It shares nothing with the real daemon but the code: not its spool,
 * not its metrics, not its log: while it runs, the log's lines are encoded as configured but written nowhere.
 */
public final class Warmup {

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(Warmup.class);
    private static final int SESSIONS = 20;
    private static final String DOMAIN = "warmup.invalid"; // RFC 2606: a name no one can own

    private Warmup() {
    }

    /** What a warm-up did. */
    public record Result(long messages, long failures, Duration took) {
    }

    /** Runs the warm-up for about {@code budget}; returns at once for a zero budget. */
    public static Result run(Duration budget) throws IOException {
        long start = System.nanoTime();
        if (budget.isZero() || budget.isNegative()) {
            return new Result(0, 0, Duration.ZERO);
        }
        Path dir = Files.createTempDirectory("posthorn-warmup"); // 0700 on POSIX
        List<Diversion> diverted = Diversion.divert(org.slf4j.Logger.ROOT_LOGGER_NAME, "posthorn.mail");
        try (Daemon daemon = Daemon.start(config(dir))) {
            return send(daemon.addresses().getFirst(), start, start + budget.toNanos());
        } finally {
            diverted.forEach(Diversion::restore);
            removeTree(dir);
        }
    }

    /**
     * The warm-up daemon's configuration, built by hand (so no admin listener, no inbound checks, no users file): one
     * MX listener on any free loopback port, nothing the real daemon or another on this machine may be using; mail for
     * {@value #DOMAIN} discarded after its commit; loopback trusted; DNS never asked.
     */
    private static Config config(Path dir) {
        Config defaults = Config.defaults(dir);
        Limits limits = defaults.limits();
        LocalDomain domain = new LocalDomain(DOMAIN, new Mailboxes.Any(), Map.of(), Optional.empty(), true,
                new LocalDelivery.Discard());
        return new Config(DOMAIN, dir.resolve("spool"),
                List.of(new Listener(InetAddress.getLoopbackAddress(), 0, Listener.Role.MX)), Optional.empty(),
                List.of(Network.parse("127.0.0.0/8")),
                new Limits(limits.maxMessageSize(), limits.maxRecipients(), 1_000, 1_000,
                        limits.minFreeDisk(), limits.perIp(), limits.minDataRate(), limits.maxJunkCommands(),
                        limits.stress()),
                Map.of(DOMAIN, domain), Optional.empty(),
                new Dns(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)), Duration.ofSeconds(1)),
                defaults.queue(), Optional.empty(), Map.of(), defaults.outbound());
    }

    /** Sends from {@value #SESSIONS} virtual threads until {@code deadline} (System.nanoTime, as {@code start}). */
    private static Result send(InetSocketAddress address, long start, long deadline) {
        byte[] message = message();
        AtomicLong sent = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        String host = address.getAddress().getHostAddress();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < SESSIONS; i++) {
                boolean esmtp = i % 2 == 0;
                senders.submit(() -> {
                    while (System.nanoTime() < deadline && failed.get() < 100) {
                        try {
                            if (esmtp) {
                                // Plaintext DATA of unknown size: no TLS, no SIZE, no BDAT. The client's own code
                                // (used to relay) is compiled on the way.
                                SmtpClient.send(host, address.getPort(), "warmup@" + DOMAIN,
                                        List.of("user@" + DOMAIN), new ByteArrayInputStream(message), -1,
                                        SendOptions.plaintext());
                            } else {
                                helo(address, message);
                            }
                            sent.incrementAndGet();
                        } catch (IOException | RuntimeException e) {
                            failed.incrementAndGet();
                        }
                    }
                });
            }
        }
        if (failed.get() > 0) {
            log.warn("warm-up: {} of {} messages failed", failed.get(), sent.get() + failed.get());
        }
        return new Result(sent.get(), failed.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * One message the way many senders still send it: HELO, not EHLO (RFC 5321 4.1.1.1 keeps both), one command
     * at a time, DATA. The server's HELO path differs from its EHLO path at every step, so both are run.
     */
    private static void helo(InetSocketAddress address, byte[] message) throws IOException {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            expect(in, '2');
            for (String command : List.of("HELO warmup." + DOMAIN, "MAIL FROM:<warmup@" + DOMAIN + ">",
                    "RCPT TO:<user@" + DOMAIN + ">", "DATA")) {
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                expect(in, command.equals("DATA") ? '3' : '2');
            }
            out.write(message);
            out.write(".\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, '2');
            expect(in, '2');
        }
    }

    /** Reads one reply (its last line has a space after the code) and checks its first digit. */
    private static void expect(InputStream in, char first) throws IOException {
        while (true) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0 || line.length() > 512) {
                    throw new IOException("warm-up: reply cut short: " + line);
                }
                line.append((char) c);
            }
            if (line.length() < 4 || line.charAt(0) != first) {
                throw new IOException("warm-up: unexpected reply: " + line);
            }
            if (line.charAt(3) == ' ') {
                return;
            }
        }
    }

    /** A 1 KB message like the ones of the accept benchmark. */
    private static byte[] message() {
        StringBuilder text = new StringBuilder("From: <warmup@" + DOMAIN + ">\r\nTo: <user@" + DOMAIN + ">\r\n"
                + "Subject: warm-up\r\nMessage-ID: <warmup@" + DOMAIN + ">\r\n\r\n");
        while (text.length() < 1000) {
            text.append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * While it runs, what the warm-up daemon logs (its mail log above all) goes through the configured encoders, so
     * that the logging path is compiled too, but to no file: each appender of the root and mail loggers is replaced
     * by one that writes with its encoder into nothing. {@link Diversion#restore} puts the appenders back.
     */
    private record Diversion(Logger logger, List<Appender<ILoggingEvent>> original, List<Appender<ILoggingEvent>> nulls) {

        static List<Diversion> divert(String... names) {
            List<Diversion> diversions = new ArrayList<>();
            for (String name : names) {
                if (!(LoggerFactory.getLogger(name) instanceof Logger logger)) {
                    continue;
                }
                List<Appender<ILoggingEvent>> original = new ArrayList<>();
                logger.iteratorForAppenders().forEachRemaining(original::add);
                List<Appender<ILoggingEvent>> nulls = new ArrayList<>();
                for (Appender<ILoggingEvent> appender : original) {
                    OutputStreamAppender<ILoggingEvent> nothing = new OutputStreamAppender<>();
                    nothing.setContext(appender.getContext());
                    nothing.setName(appender.getName() + "-warmup");
                    if (appender instanceof OutputStreamAppender<ILoggingEvent> stream && stream.getEncoder() != null) {
                        nothing.setEncoder(stream.getEncoder());
                    } else {
                        continue;
                    }
                    stream.getCopyOfAttachedFiltersList().forEach(nothing::addFilter);
                    nothing.setOutputStream(OutputStream.nullOutputStream());
                    nothing.start();
                    nulls.add(nothing);
                }
                original.forEach(logger::detachAppender);
                nulls.forEach(logger::addAppender);
                diversions.add(new Diversion(logger, original, nulls));
            }
            return diversions;
        }

        void restore() {
            nulls.forEach(logger::detachAppender);
            nulls.forEach(Appender::stop);
            original.forEach(logger::addAppender);
        }
    }

    private static void removeTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("warm-up: could not remove {}: {}", dir, e.toString());
        }
    }
}
