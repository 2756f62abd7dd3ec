package dev.posthorn.mta.daemon;

import dev.posthorn.mta.admin.AdminServer;
import dev.posthorn.mta.admin.AdminToken;
import dev.posthorn.mta.admin.ApiRoutes;
import dev.posthorn.mta.admin.Control;
import dev.posthorn.mta.admin.ControlApi;
import dev.posthorn.mta.admin.QueueApi;
import dev.posthorn.mta.admin.ReloadResult;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigException;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.config.Problem;
import dev.posthorn.mta.maillog.MailLog;
import dev.posthorn.mta.policy.AuthThrottle;
import dev.posthorn.mta.schedule.QueueRunner;
import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.mta.spool.PgSpool;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.spool.SpoolLock;
import dev.posthorn.smtp.server.SmtpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running MTA: every part built from the configuration in this one place. {@link #close()} stops it gracefully:
 * listeners first (idle sessions get 421, messages in flight may finish), then the queue runner (attempts in flight
 * finish or stay queued). {@link #reload()} reads the configuration again and swaps in a new {@link Setup}: new
 * connections and new delivery attempts get it, sessions and attempts in progress finish under the one they started
 * with, and a configuration with problems is refused while the old one keeps running.
 *
 * <p>Every part that counts time (retries and expiry, rate windows, the AUTH throttle, blocklist and MTA-STS caches,
 * DKIM signature times, certificate checks) reads the one {@link Clock} the daemon starts with: the system's in
 * production, a test's own that it moves forward instead of waiting.
 */
public final class Daemon implements AutoCloseable, Control {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    private static final Duration SHUTDOWN = Duration.ofSeconds(10);
    /** How often a replaced setup is looked at: closed once no attempt that started with it is running. */
    private static final Duration RETIRE_CHECK = Duration.ofSeconds(5);

    private final SpoolLock lock;
    private final ConfigSource source;
    private final Optional<RetrySchedule> fixedRetries;
    private final Clock clock;
    private final Spool spool;
    private final QueueRunner runner;
    private final AuthThrottle throttle;
    private final PrometheusMeterRegistry metrics;
    private final Map<Listener.Role, ServerMetrics> events;
    private final AutoCloseable jvmMeters;
    private volatile Optional<AdminServer> admin = Optional.empty();
    private final ReentrantLock reloading = new ReentrantLock();
    /**
     * The running SMTP servers by the address they were configured with, in configuration order: an unmodifiable map
     * replaced whole, under {@link #reloading}, so readers ({@code /readyz}) never wait for a reload.
     */
    private volatile Map<InetSocketAddress, SmtpServer> servers;
    private final List<Setup> retired = new ArrayList<>();
    private volatile Setup current;

    private Daemon(SpoolLock lock, ConfigSource source, Optional<RetrySchedule> fixedRetries, Clock clock, Spool spool,
                   QueueRunner runner, AuthThrottle throttle, PrometheusMeterRegistry metrics,
                   Map<Listener.Role, ServerMetrics> events, Map<InetSocketAddress, SmtpServer> servers,
                   Setup current) {
        this.lock = lock;
        this.clock = clock;
        this.events = events;
        this.jvmMeters = JvmMeters.bind(metrics);
        this.source = source;
        this.fixedRetries = fixedRetries;
        this.spool = spool;
        this.runner = runner;
        this.throttle = throttle;
        this.metrics = metrics;
        this.servers = Collections.unmodifiableMap(servers);
        this.current = current;
    }

    public static Daemon start(Config config) throws IOException {
        return start(config, ConfigSource.fixed(config));
    }

    /** Starts with {@code config}; a reload reads {@code source} again (the file {@code config} came from). */
    public static Daemon start(Config config, ConfigSource source) throws IOException {
        return start(config, source, Duration.ZERO);
    }

    /**
     * As {@link #start(Config, ConfigSource)}, with a {@link Warmup} of {@code warmup} once the spool is claimed and
     * before anything listens (a spool in use is refused first, not after the warm-up).
     */
    public static Daemon start(Config config, ConfigSource source, Duration warmup) throws IOException {
        return start(config, source, Optional.empty(), Optional.empty(), Clock.systemUTC(), warmup);
    }

    /** Starts with {@code config} and a test's retry schedule instead of the configured one. */
    static Daemon start(Config config, RetrySchedule retries) throws IOException {
        return start(config, retries, Clock.systemUTC());
    }

    /** Starts with {@code config} and a test's retry schedule, every part reading the time from {@code clock}. */
    static Daemon start(Config config, RetrySchedule retries, Clock clock) throws IOException {
        return start(config, ConfigSource.fixed(config), Optional.of(retries), Optional.empty(), clock);
    }

    /** Starts with {@code config}, every part reading the time from {@code clock} (a test's, that it moves). */
    static Daemon start(Config config, Clock clock) throws IOException {
        return start(config, ConfigSource.fixed(config), Optional.empty(), Optional.empty(), clock);
    }

    /** Starts with {@code config} and the given AUTH throttle (a test's, on its own clock). */
    static Daemon start(Config config, AuthThrottle throttle) throws IOException {
        return start(config, ConfigSource.fixed(config), Optional.empty(), Optional.of(throttle), Clock.systemUTC());
    }

    /**
     * Claims the spool first ({@link SpoolLock}: a second daemon on it is refused before anything else touches it),
     * then starts; a start that fails lets go of the spool again.
     *
     * @param throttle the AUTH throttle; empty for the defaults on {@code clock}
     */
    private static Daemon start(Config config, ConfigSource source, Optional<RetrySchedule> fixedRetries,
                                Optional<AuthThrottle> throttle, Clock clock) throws IOException {
        return start(config, source, fixedRetries, throttle, clock, Duration.ZERO);
    }

    private static Daemon start(Config config, ConfigSource source, Optional<RetrySchedule> fixedRetries,
                                Optional<AuthThrottle> throttle, Clock clock, Duration warmup) throws IOException {
        SpoolLock lock;
        try {
            lock = SpoolLock.acquire(config.spool());
        } catch (SpoolLock.InUseException e) {
            throw e; // names the spool and the process already
        } catch (IOException e) {
            throw StartError.of("spool " + config.spool(), e);
        }
        try {
            if (warmup.isPositive()) {
                Warmup.Result done = Warmup.run(warmup);
                log.info("warm-up: {} messages in {} ms", done.messages(), done.took().toMillis());
            }
            return start(config, source, fixedRetries, throttle.orElseGet(() -> AuthThrottle.defaults(clock)), clock,
                    lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static Daemon start(Config config, ConfigSource source, Optional<RetrySchedule> fixedRetries,
                                AuthThrottle throttle, Clock clock, SpoolLock lock) throws IOException {
        MailLog.format(config.log().format()); // before the first event: the mail log's lines are one format
        // One registry that every room records into; the admin listener's /metrics is its only reader.
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Spool spool;
        try {
            spool = openSpool(config);
        } catch (IOException e) {
            throw StartError.of("spool " + config.spoolDatabase().map(Object::toString)
                    .orElse(config.spool().toString()), e);
        }
        Setup setup = Setup.of(config, spool, fixedRetries.orElseGet(() -> retries(config)), clock);
        try {
            spool.clean();
        } catch (IOException e) {
            setup.close();
            throw StartError.of("spool " + config.spool(), e);
        }
        // Read (or made) before anything starts: an unusable token file stops the start here.
        Optional<AdminToken> token = config.admin().listen().isPresent()
                ? Optional.of(AdminToken.loadOrCreate(config.admin().tokenFileIn(config.spool()))) : Optional.empty();
        QueueRunner runner = new QueueRunner(spool, setup.parts(), clock, 20,
                config.queue().activeLimit(), metrics);
        // One per role for the daemon's life: a reload's servers count into the same meters.
        Map<Listener.Role, ServerMetrics> events = new EnumMap<>(Listener.Role.class);
        for (Listener.Role role : Listener.Role.values()) {
            events.put(role, new ServerMetrics(metrics, role));
        }
        Map<InetSocketAddress, SmtpServer> servers = new LinkedHashMap<>();
        try {
            Map<Listener.Role, SmtpServer.Builder> roles = setup.reception(spool, runner, throttle, events, metrics);
            runner.start(); // after everything that may refuse to load, before the first message can arrive
            for (Listener listener : config.listeners()) {
                servers.put(address(listener), listen(roles, listener));
            }
            // Only once every listener is bound: a start that fails says that one thing and nothing else.
            for (Listener listener : config.listeners()) {
                log.info("listening on {} as {}", servers.get(address(listener)).address(), listener.role());
            }
        } catch (IOException | RuntimeException e) {
            servers.values().forEach(SmtpServer::close);
            runner.close();
            setup.close();
            throw e;
        }
        Daemon daemon = new Daemon(lock, source, fixedRetries, clock, spool, runner, throttle, metrics, events, servers,
                setup);
        if (token.isPresent()) {
            try {
                daemon.admin = Optional.of(AdminServer.start(config.admin().listen().get(), token.get(), metrics,
                        new DaemonReadiness(daemon::servers, spool, () -> daemon.config().limits().minFreeDisk()),
                        daemon.apiRoutes()));
            } catch (IOException | RuntimeException e) {
                daemon.close();
                throw e;
            }
        }
        return daemon;
    }

    /** The parts of the admin API ({@code /api/v1}), asked in this order; the one place the list is built. */
    List<ApiRoutes> apiRoutes() {
        return List.of(new ControlApi(this), new QueueApi(runner.control()));
    }

    /** The SMTP servers running now. */
    private List<SmtpServer> servers() {
        return List.copyOf(servers.values());
    }

    private static RetrySchedule retries(Config config) {
        return new RetrySchedule(config.queue().retry(), config.queue().maxLifetime(), config.queue().delayNotice());
    }

    private static InetSocketAddress address(Listener listener) {
        return new InetSocketAddress(listener.address(), listener.port());
    }

    /**
     * The server settings of {@code listener}: its role's, its address, REQUIRETLS as it says, and behind a proxy
     * the PROXY protocol from its {@code proxy_from} (the header's client then counts for every per-client rule the role has).
     */
    private static SmtpServer.Builder settings(Map<Listener.Role, SmtpServer.Builder> roles, Listener listener) {
        SmtpServer.Builder builder = roles.get(listener.role()).bind(address(listener))
                .offerRequireTls(listener.requireTls());
        return listener.proxyProtocol() ? builder.proxyProtocol(listener::fromProxy) : builder;
    }

    /** Starts the server for {@code listener} with its role's settings. */
    private static SmtpServer listen(Map<Listener.Role, SmtpServer.Builder> roles, Listener listener)
            throws IOException {
        SmtpServer server = settings(roles, listener).build();
        try {
            return server.start();
        } catch (IOException e) {
            throw StartError.listen(address(listener), e);
        }
    }

    /**
     * Reads the configuration again and runs it: users, DKIM keys, certificates and every setting are read anew;
     * listeners that are gone stop (their sessions finish), new ones start, and the others keep their sockets. The
     * spool cannot move while the daemon runs, and the admin listener changes only at the next start. When the new
     * configuration has problems, or a part of it cannot be built or bound, nothing changes.
     */
    @Override
    public ReloadResult reload() {
        reloading.lock();
        try {
            Config next;
            try {
                next = source.load();
            } catch (ConfigException e) {
                return ReloadResult.refused(e.problems().stream().map(Problem::toString).toList());
            }
            Config running = current.config;
            if (!next.spoolDatabase().equals(running.spoolDatabase())) {
                return ReloadResult.refused(List.of("spool: the queue's database cannot change while the daemon"
                        + " runs; restart it to move the queue"));
            }
            if (!next.spool().equals(running.spool())) {
                return ReloadResult.refused(List.of("spool: cannot change from " + running.spool() + " to "
                        + next.spool() + " while the daemon runs; restart it to move the queue"));
            }
            List<String> notes = new ArrayList<>();
            if (!next.admin().equals(running.admin())) {
                notes.add("admin: the admin listener's settings take effect at the next start");
            }
            return swap(next, notes);
        } finally {
            reloading.unlock();
        }
    }

    /** Builds the new setup and its new listeners, then swaps; on any failure closes what it built. */
    private ReloadResult swap(Config next, List<String> notes) {
        Setup fresh;
        try {
            fresh = Setup.of(next, spool, fixedRetries.orElseGet(() -> retries(next)), clock);
        } catch (IOException | RuntimeException e) {
            return ReloadResult.refused(List.of("not reloaded: " + e.getMessage()));
        }
        Map<InetSocketAddress, SmtpServer> started = new LinkedHashMap<>();
        Map<Listener.Role, SmtpServer.Builder> roles;
        try {
            roles = fresh.reception(spool, runner, throttle, events, metrics);
            for (Listener listener : next.listeners()) {
                if (!servers.containsKey(address(listener))) {
                    started.put(address(listener), listen(roles, listener));
                    log.info("reload: listening on {} as {}", started.get(address(listener)).address(),
                            listener.role());
                }
            }
        } catch (IOException | RuntimeException e) {
            started.values().forEach(SmtpServer::close);
            fresh.close();
            return ReloadResult.refused(List.of("not reloaded: " + e.getMessage()));
        }
        runner.reconfigure(fresh.parts());
        Map<InetSocketAddress, SmtpServer> kept = new LinkedHashMap<>();
        for (Listener listener : next.listeners()) {
            SmtpServer server = servers.get(address(listener));
            if (server != null) {
                server.reconfigure(settings(roles, listener));
                kept.put(address(listener), server);
            } else {
                kept.put(address(listener), started.get(address(listener)));
            }
        }
        servers.forEach((address, server) -> {
            if (!kept.containsKey(address)) {
                log.info("reload: listener {} stops", server.address());
                Thread.ofVirtual().start(() -> server.shutdown(SHUTDOWN));
            }
        });
        servers = Collections.unmodifiableMap(kept);
        retire(current);
        current = fresh;
        MailLog.format(next.log().format());
        log.info("reloaded: {} listener(s), {} local domain(s)", kept.size(), next.domains().size());
        return new ReloadResult(true, List.of(), notes);
    }

    /** Closes a replaced setup once no attempt that started with it runs any more (it may take a DATA timeout). */
    private void retire(Setup old) {
        synchronized (retired) {
            retired.add(old);
        }
        QueueRunner.Parts parts = old.parts();
        Thread.ofVirtual().name("retire-setup").start(() -> {
            try {
                do {
                    Thread.sleep(RETIRE_CHECK);
                } while (runner.inUse(parts));
            } catch (InterruptedException e) {
                return; // closed with the daemon
            }
            synchronized (retired) {
                if (retired.remove(old)) {
                    old.close();
                }
            }
        });
    }

    @Override
    public List<String> check() {
        try {
            source.load();
            return List.of();
        } catch (ConfigException e) {
            return e.problems().stream().map(Problem::toString).toList();
        }
    }

    /** The registry every part of this daemon records its metrics into. */
    public MeterRegistry metrics() {
        return metrics;
    }

    /** Where the admin listener is bound; empty when {@code admin.listen} is {@code none}. */
    public Optional<InetSocketAddress> adminAddress() {
        return admin.map(AdminServer::address);
    }

    /** The configuration running now. */
    public Config config() {
        return current.config;
    }

    /** The listeners' bound addresses, in configuration order. */
    public List<InetSocketAddress> addresses() {
        return servers.values().stream().map(SmtpServer::address).toList();
    }

    public Path spoolRoot() {
        return spool.root();
    }

    public QueueRunner runner() {
        return runner;
    }

    /**
     * The queue: in the spool folder, or in the configured PostgreSQL database, shared with the other nodes, with the
     * spool folder as this node's own (its lock, certificate, tokens and report counts).
     */
    private static Spool openSpool(Config config) throws IOException {
        Spool spool = LocalSubmission.spool(config, false);
        config.spoolDatabase().ifPresent(database -> log.info("spool: {} as node {}", database.url(),
                database.node()));
        return spool;
    }

    @Override
    public void close() {
        admin.ifPresent(AdminServer::close);
        reloading.lock();
        try {
            List<Thread> stopping = new ArrayList<>();
            for (SmtpServer server : servers.values()) {
                stopping.add(Thread.ofVirtual().start(() -> server.shutdown(SHUTDOWN)));
            }
            for (Thread thread : stopping) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            runner.shutdown(SHUTDOWN);
            current.close();
            synchronized (retired) {
                retired.forEach(Setup::close);
                retired.clear();
            }
            try {
                jvmMeters.close();
            } catch (Exception e) {
                log.debug("JVM meters did not close", e);
            }
            if (spool instanceof PgSpool shared) {
                try {
                    shared.close();
                } catch (IOException e) {
                    log.warn("spool database: closing failed: {}", e.toString());
                }
            }
            try {
                lock.close();
            } catch (IOException e) {
                log.warn("spool {}: releasing the lock failed: {}", spool.root(), e.toString());
            }
            log.info("stopped");
        } finally {
            reloading.unlock();
        }
    }
}
