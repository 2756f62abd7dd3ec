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
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/posthorn dev} as a user runs it, a child process on ports 0 with its store in a temporary folder: the
 * packaged jar and its {@code lib/} (Failsafe runs after {@code package}), started by the repository's launcher.
 * The ports are read from what it prints ({@code smtp   HOST:PORT (STARTTLS)}, {@code http   http://HOST:PORT/},
 * {@code pop3   HOST:PORT (STLS)}). Public for the capture store's large-message IT, which runs it with a small heap.
 */
public final class DevProcess {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(30);
    /** Lines `posthorn dev` prints before it is up: one per listener, the folder, the chaos seed. */
    private static final int MAX_LINES = 50;
    private static final Pattern SMTP = Pattern.compile("smtp {3}(\\S+):(\\d+) \\(STARTTLS\\)");
    private static final Pattern HTTP = Pattern.compile("http {3}(http://\\S+:\\d+)/");
    private static final Pattern POP3 = Pattern.compile("pop3 {3}(\\S+):(\\d+) \\(STLS\\)");

    private final Process process;
    private final Path log;
    private final int smtpPort;
    private final String base;
    private final int pop3Port;
    private final BlockingQueue<String> lines;
    private final List<String> printed;

    private DevProcess(Process process, Path log, int smtpPort, String base, int pop3Port,
                       BlockingQueue<String> lines, List<String> printed) {
        this.process = process;
        this.log = log;
        this.smtpPort = smtpPort;
        this.base = base;
        this.pop3Port = pop3Port;
        this.lines = lines;
        this.printed = printed;
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
        return start(dir, List.of("--pop3", "off"), Map.of());
    }

    /**
     * Starts {@code posthorn dev} with SMTP and HTTP on port 0, no SMTPS, its store in {@code dir}, then
     * {@code options} (which must say what to do with POP3: {@code --pop3 off} or an address), with
     * {@code environment} added to this JVM's (e.g. {@code POSTHORN_JAVA_OPTS} for the child's heap).
     */
    public static DevProcess start(Path dir, List<String> options, Map<String, String> environment)
            throws IOException, InterruptedException {
        Path log = dir.resolve("posthorn-dev.log");
        List<String> command = new ArrayList<>(List.of(launcher().toString(), "dev", "--smtp", "127.0.0.1:0",
                "--http", "127.0.0.1:0", "--smtps", "off", "--hostname", "dev.posthorn.test",
                "--dir", dir.resolve("store").toString()));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().name("posthorn-dev-stdout").start(() -> drain(process, lines));
        List<String> seen = new ArrayList<>();
        Integer smtp = null;
        String http = null;
        int pop3 = -1;
        long deadline = System.nanoTime() + START.toNanos();
        while (smtp == null || http == null) { // the http line comes after the smtp and pop3 lines
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
            Matcher p = POP3.matcher(line);
            if (p.matches()) {
                pop3 = Integer.parseInt(p.group(2));
            }
        }
        return new DevProcess(process, log, smtp, http, pop3, lines, seen);
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

    public int smtpPort() {
        return smtpPort;
    }

    /** The POP3 listener's port; -1 when started with {@code --pop3 off}. */
    public int pop3Port() {
        return pop3Port;
    }

    /** The web view's address, e.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
    public String base() {
        return base;
    }

    /** Whether the child still runs (the launcher sets ExitOnOutOfMemoryError: out of heap, it exits). */
    public boolean alive() {
        return process.isAlive();
    }

    /**
     * What the child printed on stdout so far: the listener lines, and what the JVM prints there itself (the
     * "Terminating due to java.lang.OutOfMemoryError" of ExitOnOutOfMemoryError).
     */
    public synchronized List<String> printed() {
        lines.drainTo(printed);
        return List.copyOf(printed);
    }

    /** What the child wrote to stderr (its log), for a failure message. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGTERM, as a user's Ctrl-C or a service manager would stop it, and wait for it to exit. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
            throw new IllegalStateException("posthorn dev did not stop within " + STOP + " of SIGTERM");
        }
    }
}
