package dev.posthorn.mta.capture.web;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/posthorn dev} as a user runs it, a child process on ports 0 with its store in a temporary folder: the
 * packaged jar and its {@code lib/} (Failsafe runs after {@code package}), started by the repository's launcher.
 * The ports are read from what it prints ({@code smtp   HOST:PORT (STARTTLS)}, {@code http   http://HOST:PORT/}).
 */
final class DevProcess {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(30);
    /** Lines `posthorn dev` prints before it is up: one per listener, the folder, the chaos seed. */
    private static final int MAX_LINES = 50;
    private static final Pattern SMTP = Pattern.compile("smtp {3}(\\S+):(\\d+) \\(STARTTLS\\)");
    private static final Pattern HTTP = Pattern.compile("http {3}(http://\\S+:\\d+)/");

    private final Process process;
    private final Path log;
    private final int smtpPort;
    private final String base;

    private DevProcess(Process process, Path log, int smtpPort, String base) {
        this.process = process;
        this.log = log;
        this.smtpPort = smtpPort;
        this.base = base;
    }

    /** The launcher, {@code bin/posthorn}, in the working directory or the nearest parent that has it. */
    static Path launcher() throws IOException {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("bin/posthorn");
            if (Files.isExecutable(candidate) && Files.isRegularFile(dir.resolve("mta/target/posthorn-mta.jar"))) {
                return candidate;
            }
        }
        throw new IOException("no bin/posthorn with a built mta/target/posthorn-mta.jar in or above " + start
                + ": run this test in Maven's verify phase (after package)");
    }

    /** Starts {@code posthorn dev} with SMTP and HTTP on port 0, no SMTPS, no POP3, its store in {@code dir}. */
    static DevProcess start(Path dir) throws IOException, InterruptedException {
        Path log = dir.resolve("posthorn-dev.log");
        Process process = new ProcessBuilder(launcher().toString(), "dev", "--smtp", "127.0.0.1:0",
                "--http", "127.0.0.1:0", "--smtps", "off", "--pop3", "off", "--hostname", "dev.posthorn.test",
                "--dir", dir.resolve("store").toString())
                .redirectError(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().name("posthorn-dev-stdout").start(() -> drain(process, lines));
        List<String> seen = new ArrayList<>();
        Integer smtp = null;
        String http = null;
        long deadline = System.nanoTime() + START.toNanos();
        while (smtp == null || http == null) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.isEmpty() || seen.size() >= MAX_LINES) {
                process.destroyForcibly();
                throw new IOException("posthorn dev did not print its SMTP and HTTP addresses within " + START
                        + "; it printed " + seen + "; its log: " + Files.readString(log));
            }
            seen.add(line);
            Matcher m = SMTP.matcher(line);
            if (m.matches()) {
                smtp = Integer.parseInt(m.group(2));
            }
            Matcher h = HTTP.matcher(line);
            if (h.matches()) {
                http = h.group(1);
            }
        }
        return new DevProcess(process, log, smtp, http);
    }

    /** Reads the child's output to its end (so it never blocks on a full pipe); an empty line marks the end. */
    private static void drain(Process process, BlockingQueue<String> lines) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // The child is gone: the end, as below.
        }
        lines.add("");
    }

    int smtpPort() {
        return smtpPort;
    }

    /** The web view's address, e.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
    String base() {
        return base;
    }

    /** What the child wrote to stderr (its log), for a failure message. */
    String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGTERM, as a user's Ctrl-C or a service manager would stop it, and wait for it to exit. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
            throw new IllegalStateException("posthorn dev did not stop within " + STOP + " of SIGTERM");
        }
    }
}
