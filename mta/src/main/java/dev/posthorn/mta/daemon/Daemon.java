package dev.posthorn.mta.daemon;

import dev.posthorn.mta.auth.UserStore;
import dev.posthorn.mta.bounce.Notifier;
import dev.posthorn.mta.policy.AuthThrottle;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.schedule.QueueRunner;
import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.server.SmtpServer;
import dev.posthorn.smtp.server.TransactionId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running MTA: every part built from the configuration in this one place. {@link #close()} stops it gracefully:
 * listeners first (idle sessions get 421, messages in flight may finish), then the queue runner (attempts in flight
 * finish or stay queued).
 */
public final class Daemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    private static final Duration SHUTDOWN = Duration.ofSeconds(10);
    /** Like Postfix's bounce_size_limit: a larger original is returned as its headers only. */
    private static final long FULL_RETURN_LIMIT = 100 * 1024;

    private final Spool spool;
    private final QueueRunner runner;
    private final Transports transports;
    private final List<SmtpServer> servers;

    private Daemon(Spool spool, QueueRunner runner, Transports transports, List<SmtpServer> servers) {
        this.spool = spool;
        this.runner = runner;
        this.transports = transports;
        this.servers = servers;
    }

    public static Daemon start(Config config) throws IOException {
        return start(config, new RetrySchedule(config.queue().retry(), config.queue().maxLifetime(),
                config.queue().delayNotice()));
    }

    static Daemon start(Config config, RetrySchedule retries) throws IOException {
        Spool spool = Spool.open(config.spool());
        var recovered = spool.sweep();
        Router router = new Router(config.domains(), config.hostname());
        Notifier notifier = new Notifier(spool, config.hostname(), router.postmaster(), TransactionId::next,
                FULL_RETURN_LIMIT);
        Transports transports = new Transports(config);
        QueueRunner runner = new QueueRunner(spool, router, notifier, transports,
                retries,
                Clock.systemUTC(), 20);
        runner.recover(recovered);
        ServerTls tls = config.tls().isPresent()
                ? ServerTls.fromPemReloading(config.tls().get().cert(), config.tls().get().key())
                : ServerTls.selfSignedFiles(config.hostname(), spool.root().resolve("tls/cert.pem"),
                        spool.root().resolve("tls/key.pem"));
        AuthThrottle throttle = AuthThrottle.defaults();
        Predicate<InetAddress> trusted = address -> config.trustedNetworks().stream()
                .anyMatch(network -> network.contains(address));
        SmtpServer.Builder base = SmtpServer.builder()
                .hostname(config.hostname())
                .maxMessageSize(config.limits().maxMessageSize())
                .maxRecipients(config.limits().maxRecipients())
                .maxConnections(config.limits().maxConnections())
                .maxConnectionsPerIp(config.limits().effectiveConnectionsPerIp())
                .trustedClients(trusted)
                .tarpit(config.tarpit())
                .tls(tls)
                .authenticator(config.usersFile().isPresent()
                        ? new ThrottledAuthenticator(UserStore.load(config.usersFile().get()), throttle) : null)
                .policy(RecipientPolicy.of(config, router, spool, throttle, trusted))
                .sink(new SpoolSink(spool, router, runner))
                .etrn(new Etrn(runner, config.trustedNetworks()));
        List<SmtpServer> servers = new ArrayList<>();
        try {
            for (Listener listener : config.listeners()) {
                SmtpServer.Builder builder = base.bind(new InetSocketAddress(listener.address(), listener.port()));
                builder = switch (listener.role()) {
                    case MX -> builder;
                    case SUBMISSION -> builder.requireTls(true).requireAuth(true);
                    case SUBMISSIONS -> builder.implicitTls(true).requireAuth(true);
                };
                servers.add(builder.build().start());
                log.info("listening on {} as {}", servers.getLast().address(), listener.role());
            }
        } catch (IOException | RuntimeException e) {
            servers.forEach(SmtpServer::close);
            runner.close();
            transports.close();
            throw e;
        }
        return new Daemon(spool, runner, transports, servers);
    }

    /** The listeners' bound addresses, in configuration order. */
    public List<InetSocketAddress> addresses() {
        return servers.stream().map(SmtpServer::address).toList();
    }

    public Path spoolRoot() {
        return spool.root();
    }

    public QueueRunner runner() {
        return runner;
    }

    @Override
    public void close() {
        List<Thread> stopping = new ArrayList<>();
        for (SmtpServer server : servers) {
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
        transports.close();
        log.info("stopped");
    }
}
