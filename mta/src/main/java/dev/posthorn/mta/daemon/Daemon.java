package dev.posthorn.mta.daemon;

import dev.posthorn.mta.admin.MailLog;
import dev.posthorn.mta.auth.UserStore;
import dev.posthorn.mta.bounce.Notifier;
import dev.posthorn.mta.policy.AuthThrottle;
import dev.posthorn.mta.config.Checks;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dkim;
import dev.posthorn.mta.dkim.DkimSigner;
import dev.posthorn.mta.dkim.DkimVerifier;
import dev.posthorn.mta.dkim.SigningKey;
import dev.posthorn.mta.dmarc.DmarcVerifier;
import dev.posthorn.mta.dmarc.SuffixListSource;
import dev.posthorn.mta.dns.DnsClient;
import dev.posthorn.mta.inbound.DkimVerification;
import dev.posthorn.mta.inbound.InboundChecks;
import dev.posthorn.mta.spf.SpfVerifier;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.schedule.QueueRunner;
import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.server.SmtpServer;
import dev.posthorn.smtp.server.TransactionId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
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
    /** RFC 7208 4.6.4: an SPF check may be given up after at least 20 seconds (temperror). */
    private static final Duration SPF_TIME_LIMIT = Duration.ofSeconds(20);

    private final Spool spool;
    private final QueueRunner runner;
    private final Transports transports;
    private final List<SmtpServer> servers;
    private final PrometheusMeterRegistry metrics;

    private Daemon(Spool spool, QueueRunner runner, Transports transports, List<SmtpServer> servers,
                   PrometheusMeterRegistry metrics) {
        this.metrics = metrics;
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
        MailLog.format(config.log().format()); // before the first event: the mail log's lines are one format
        // One registry that every room records into; the admin listener's /metrics is its only reader.
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // One client, so one cache, for every plain DNS question: MX, MTA-STS, SPF, DMARC and DKIM keys.
        DnsClient dns = DnsClient.plain(config.dns().resolvers(), config.dns().timeout());
        Optional<InboundChecks> inbound = inboundChecks(config, dns);   // first: a bad suffix list stops the start
        Spool spool;
        try {
            spool = Spool.open(config.spool());
            spool.clean();
        } catch (IOException e) {
            throw StartError.of("spool " + config.spool(), e);
        }
        Router router = new Router(config.domains(), config.hostname());
        Notifier notifier = new Notifier(spool, config.hostname(), router.postmaster(), TransactionId::next,
                FULL_RETURN_LIMIT);
        Transports transports = new Transports(config, dns);
        QueueRunner runner = new QueueRunner(spool, router, notifier, transports, retries, Clock.systemUTC(), 20,
                config.queue().activeLimit());
        ServerTls tls;
        try {
            tls = config.tls().isPresent()
                    ? ServerTls.fromPemReloading(config.tls().get().cert(), config.tls().get().key())
                    : ServerTls.selfSignedFiles(config.hostname(), spool.root().resolve("tls/cert.pem"),
                            spool.root().resolve("tls/key.pem"));
        } catch (IOException e) {
            throw StartError.of("tls", e); // the reason names the file
        }
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
                        ? new ThrottledAuthenticator(users(config, config.usersFile().get()), throttle) : null)
                .policy(RecipientPolicy.of(config, router, spool, throttle, trusted))
                .etrn(new Etrn(runner, config.trustedNetworks()));
        DkimSigner signer = signer(config);
        SpoolSink submissionSink = new SpoolSink(spool, router, runner, signer, config.trustedNetworks(),
                Optional.empty());
        SpoolSink mxSink = new SpoolSink(spool, router, runner, signer, config.trustedNetworks(), inbound);
        List<SmtpServer> servers = new ArrayList<>();
        runner.start(); // after everything that may refuse to load, before the first message can arrive
        try {
            for (Listener listener : config.listeners()) {
                InetSocketAddress address = new InetSocketAddress(listener.address(), listener.port());
                SmtpServer.Builder builder = base.bind(address);
                builder = switch (listener.role()) {
                    case MX -> builder.sink(mxSink);
                    case SUBMISSION -> builder.sink(submissionSink).requireTls(true).requireAuth(true);
                    case SUBMISSIONS -> builder.sink(submissionSink).implicitTls(true).requireAuth(true);
                };
                try {
                    servers.add(builder.build().start());
                } catch (IOException e) {
                    throw StartError.listen(address, e);
                }
            }
            // Only once every listener is bound: a start that fails says that one thing and nothing else.
            for (int i = 0; i < servers.size(); i++) {
                log.info("listening on {} as {}", servers.get(i).address(), config.listeners().get(i).role());
            }
        } catch (IOException | RuntimeException e) {
            servers.forEach(SmtpServer::close);
            runner.close();
            transports.close();
            throw e;
        }
        return new Daemon(spool, runner, transports, servers, metrics);
    }

    /** The users file, watched for changes; the default one, in the spool, is created empty at the first start. */
    private static Authenticator users(Config config, Path file) throws IOException {
        try {
            if (file.equals(Config.defaultUsersFile(config.spool()))) {
                UserStore.createIfMissing(file);
            }
            return UserStore.watching(file);
        } catch (IOException e) {
            throw StartError.of("users_file " + file, e);
        }
    }

    private static DkimSigner signer(Config config) {
        Dkim dkim = config.dkim();
        Map<String, List<SigningKey>> keys = new LinkedHashMap<>();
        dkim.sign().forEach((domain, list) -> keys.put(domain, list.stream()
                .map(key -> new SigningKey(key.selector(), key.privateKey())).toList()));
        return new DkimSigner(keys, dkim.headers(), dkim.oversign(), dkim.expiration(), Clock.systemUTC());
    }

    /** The DKIM verifier as the inbound checks see it: keys from DNS, the message read from the spool. */
    private static DkimVerification dkimVerification(DnsClient dns) {
        DkimVerifier verifier = new DkimVerifier(dns::txt, Clock.systemUTC());
        return message -> {
            try (InputStream in = message.open()) {
                return verifier.verify(in);
            }
        };
    }

    /**
     * The inbound authentication of the MX listeners, or empty when every check is off (forged
     * Authentication-Results are then left alone too: without checks, no field of this server is expected).
     */
    private static Optional<InboundChecks> inboundChecks(Config config, DnsClient dns) throws IOException {
        Checks checks = config.checks();
        if (!checks.any()) {
            return Optional.empty();
        }
        SuffixListSource suffixes = SuffixListSource.open(checks.publicSuffixList());
        return Optional.of(new InboundChecks(checks, config.hostname(), config.trustedNetworks(),
                new SpfVerifier(dns, SPF_TIME_LIMIT), new DmarcVerifier(dns, suffixes, new SplittableRandom()),
                checks.dkim() ? dkimVerification(dns) : DkimVerification.NONE));
    }

    /** The listeners' bound addresses, in configuration order. */
    public List<InetSocketAddress> addresses() {
        return servers.stream().map(SmtpServer::address).toList();
    }

    public Path spoolRoot() {
        return spool.root();
    }

    /** The registry every part of this daemon records its metrics into. */
    public MeterRegistry metrics() {
        return metrics;
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
