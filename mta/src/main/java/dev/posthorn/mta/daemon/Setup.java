package dev.posthorn.mta.daemon;

import dev.posthorn.mailauth.arc.ArcVerifier;
import dev.posthorn.mailauth.dkim.DkimSigner;
import dev.posthorn.mailauth.dkim.DkimVerifier;
import dev.posthorn.mailauth.dkim.SigningKey;
import dev.posthorn.mailauth.dmarc.DmarcVerifier;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mailauth.spf.SpfVerifier;
import dev.posthorn.mta.auth.UserStore;
import dev.posthorn.mta.bounce.Notifier;
import dev.posthorn.mta.config.Checks;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dkim;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.inbound.ArcVerification;
import dev.posthorn.mta.inbound.DkimVerification;
import dev.posthorn.mta.inbound.DmarcObserver;
import dev.posthorn.mta.inbound.InboundChecks;
import dev.posthorn.mta.inbound.SuffixListSource;
import dev.posthorn.mta.policy.AuthThrottle;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.schedule.QueueRunner;
import dev.posthorn.mta.schedule.RetrySchedule;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.server.SmtpServer;
import dev.posthorn.smtp.server.TransactionId;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Everything the daemon builds from one configuration: the delivery side (router, reports, transports, retry
 * schedule) and, per listener role, the SMTP server settings (TLS, users, policy, sinks). A reload builds a new
 * setup beside the running one and swaps it in whole; the spool, the queue runner and the AUTH throttle outlive it.
 */
final class Setup implements AutoCloseable {

    /** Like Postfix's bounce_size_limit: a larger original is returned as its headers only. */
    private static final long FULL_RETURN_LIMIT = 100 * 1024;
    /** RFC 7208 4.6.4: an SPF check may be given up after at least 20 seconds (temperror). */
    private static final Duration SPF_TIME_LIMIT = Duration.ofSeconds(20);

    final Config config;
    final Router router;
    final Notifier notifier;
    final Transports transports;
    final RetrySchedule retries;
    private final Optional<InboundChecks> inbound;
    private final Reporting reporting;
    private final Clock clock;

    private Setup(Config config, Router router, Notifier notifier, Transports transports, RetrySchedule retries,
                  Optional<InboundChecks> inbound, Reporting reporting, Clock clock) {
        this.clock = clock;
        this.reporting = reporting;
        this.config = config;
        this.router = router;
        this.notifier = notifier;
        this.transports = transports;
        this.retries = retries;
        this.inbound = inbound;
    }

    /**
     * The delivery side of {@code config}. Nothing is started; the inbound checks come first, so that a suffix list
     * that cannot be read stops a start before anything else is built. Every part that counts time reads
     * {@code clock}: the daemon's, so a test can run it all on one clock it moves.
     */
    static Setup of(Config config, Spool spool, RetrySchedule retries, Clock clock) throws IOException {
        // One client, so one cache, for every plain DNS question: MX, MTA-STS, SPF, DMARC and DKIM keys.
        DnsClient dns = DnsClient.plain(config.dns().resolvers(), config.dns().timeout());
        Optional<SuffixListSource> suffixes = config.checks().any()
                ? Optional.of(SuffixListSource.open(config.checks().publicSuffixList())) : Optional.empty();
        Reporting reporting = Reporting.of(config, spool, dns, suffixes, clock);
        Optional<InboundChecks> inbound = suffixes.map(list -> inboundChecks(config, dns, list,
                reporting.dmarcObserver(), clock));
        Router router = new Router(config.domains(), config.hostname());
        Notifier notifier = new Notifier(spool, config.hostname(), router.postmaster(), TransactionId::next,
                FULL_RETURN_LIMIT, config.queue().reportsForUntrusted());
        try {
            return new Setup(config, router, notifier, new Transports(config, dns, clock, reporting.tlsObserver()),
                    retries, inbound, reporting, clock);
        } catch (IOException | RuntimeException e) {
            reporting.close();
            throw e;
        }
    }

    /**
     * The SMTP server settings of each listener role (without the address to bind): TLS from the configured files
     * or the generated self-signed certificate, the users file read now, the policy, the DKIM signer and the sinks.
     */
    Map<Listener.Role, SmtpServer.Builder> reception(Spool spool, QueueRunner runner, AuthThrottle throttle,
                                                     Map<Listener.Role, ServerMetrics> events, MeterRegistry metrics)
            throws IOException {
        ServerTls tls;
        try {
            tls = config.tls().isPresent()
                    ? ServerTls.fromPemReloading(config.tls().get().cert(), config.tls().get().key())
                    : ServerTls.selfSignedFiles(config.hostname(), spool.root().resolve("tls/cert.pem"),
                            spool.root().resolve("tls/key.pem"));
        } catch (IOException e) {
            throw StartError.of("tls", e); // the reason names the file
        }
        Predicate<InetAddress> trusted = address -> config.trustedNetworks().stream()
                .anyMatch(network -> network.contains(address));
        SmtpServer.Builder base = SmtpServer.builder()
                .hostname(config.hostname())
                .maxMessageSize(config.limits().maxMessageSize())
                .maxRecipients(config.limits().maxRecipients())
                .maxConnections(config.limits().maxConnections())
                .maxConnectionsPerIp(config.limits().effectiveConnectionsPerIp())
                .minDataRate(config.limits().minDataRate())
                .maxJunkCommands(config.limits().maxJunkCommands())
                .stress(config.limits().stress())
                .trustedClients(trusted)
                .tarpit(config.tarpit())
                .tls(tls)
                .authenticator(config.usersFile().isPresent()
                        ? new ThrottledAuthenticator(users(config, config.usersFile().get()), throttle) : null)
                .policy(RecipientPolicy.of(config, router, spool, throttle, clock))
                .etrn(new Etrn(runner));
        DkimSigner signer = signer(config, clock);
        ArcSealing arc = ArcSealing.of(config.dkim(), config.hostname(), clock);
        SpoolSink submission = new SpoolSink(spool, router, runner::submit, signer, Optional.empty(), arc,
                SpoolSink.AtOnce.by(runner), metrics);
        SpoolSink mx = new SpoolSink(spool, router, runner::submit, signer, inbound, arc, SpoolSink.AtOnce.by(runner),
                metrics);
        reporting.start(submission);
        Map<Listener.Role, SmtpServer.Builder> roles = new EnumMap<>(Listener.Role.class);
        roles.put(Listener.Role.MX, base.sink(mx).events(events.get(Listener.Role.MX)));
        roles.put(Listener.Role.SUBMISSION, base.sink(submission).requireTls(true).requireAuth(true)
                .events(events.get(Listener.Role.SUBMISSION)));
        roles.put(Listener.Role.SUBMISSIONS, base.sink(submission).implicitTls(true).requireAuth(true)
                .events(events.get(Listener.Role.SUBMISSIONS)));
        return roles;
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

    /** The signer of locally submitted mail, as the configuration's {@code dkim.sign} keys make it. */
    static DkimSigner signer(Config config, Clock clock) {
        Dkim dkim = config.dkim();
        Map<String, List<SigningKey>> keys = new LinkedHashMap<>();
        dkim.sign().forEach((domain, list) -> keys.put(domain, list.stream()
                .map(key -> new SigningKey(key.selector(), key.privateKey())).toList()));
        return new DkimSigner(keys, dkim.headers(), dkim.oversign(), dkim.expiration(), clock);
    }

    /** The DKIM verifier as the inbound checks see it: keys from DNS, the message read from the spool. */
    private static DkimVerification dkimVerification(DnsClient dns, Clock clock) {
        DkimVerifier verifier = new DkimVerifier(dns::txt, clock);
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
    private static InboundChecks inboundChecks(Config config, DnsClient dns, SuffixListSource suffixes,
                                               DmarcObserver observer, Clock clock) {
        Checks checks = config.checks();
        return new InboundChecks(checks, config.hostname(),
                new SpfVerifier(dns, SPF_TIME_LIMIT), new DmarcVerifier(dns, suffixes, new SplittableRandom()),
                checks.dkim() ? dkimVerification(dns, clock) : DkimVerification.NONE,
                checks.dkim() ? Optional.of(arcVerification(dns, clock)) : Optional.empty(), observer);
    }

    /** The ARC verifier as the inbound checks see it: on with DKIM, keys from DNS, the message from the spool. */
    private static ArcVerification arcVerification(DnsClient dns, Clock clock) {
        ArcVerifier verifier = new ArcVerifier(dns::txt, clock);
        return message -> {
            try (InputStream in = message.open()) {
                return verifier.verify(in);
            }
        };
    }

    /** What the queue runner's attempts use from this setup. */
    QueueRunner.Parts parts() {
        return new QueueRunner.Parts(router, transports, notifier, retries);
    }

    /** Ends the kept outbound sessions, the MTA-STS client and the report counters. */
    @Override
    public void close() {
        reporting.close();
        transports.close();
    }
}
