package dev.posthorn.mta.daemon;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Relay;
import dev.posthorn.mta.dane.Dane;
import dev.posthorn.mta.delivery.DaneVerifier;
import dev.posthorn.mta.delivery.DomainTls;
import dev.posthorn.mta.delivery.Lmtp;
import dev.posthorn.mta.delivery.Maildir;
import dev.posthorn.mta.delivery.RemoteDelivery;
import dev.posthorn.mta.delivery.SmtpTransport;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.routing.Destination;
import dev.posthorn.mta.routing.LmtpTarget;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.schedule.QueueRunner;
import dev.posthorn.mta.sts.MtaSts;
import dev.posthorn.mta.sts.PolicyFetcher;
import dev.posthorn.mta.sts.PolicyStore;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.mta.tls.Trust;
import dev.posthorn.mta.tlsrpt.TlsRptObserver;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/** The local transports as the daemon configures them: Maildir under the domain's root, LMTP per target. */
final class Transports implements QueueRunner.LocalTransports, AutoCloseable {

    /** MTA-STS policy fetch: connect and each read (RFC 8461 3.3 leaves it to the sender), and the whole fetch. */
    private static final Duration STS_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STS_DEADLINE = Duration.ofMinutes(1);
    static final int MAILDIRS = 10_000;

    private final String hostname;
    private final RemoteDelivery remote;
    private final Optional<MtaSts> mtaSts;
    private final int maxReceivedHeaders;
    private final ClientTimeouts timeouts;
    /** The LMTP servers named in the configuration: as many as it names, read once per setup. */
    private final Map<LmtpTarget, Lmtp> lmtp = new ConcurrentHashMap<>();
    /**
     * Maildirs by mailbox, so that concurrent deliveries share the forcing of {@code new/}: a catch-all or a routing
     * rule can name mailboxes without end, so past {@link #MAILDIRS} the least-used are forgotten one at a time (a
     * forgotten one only makes its directories' checks and forcing anew).
     */
    private final Cache<Path, Maildir> maildirs = Caffeine.newBuilder().maximumSize(MAILDIRS)
            .executor(Runnable::run).build();

    /**
     * The transports the configuration asks for; MX and MTA-STS questions go to {@code dns}. Policy lifetimes,
     * certificate checks and the memory of failed handshakes run on {@code clock}; every new session's TLS to an MX
     * host is told to {@code tlsReports}.
     */
    Transports(Config config, DnsClient dns, Clock clock, TlsRptObserver tlsReports) throws IOException {
        this.hostname = config.hostname();
        this.maxReceivedHeaders = config.queue().maxReceivedHeaders();
        this.timeouts = config.outbound().timeouts();
        MxResolver resolver = new MxResolver(dns);
        var outbound = config.outbound();
        Trust trust = Trust.of(outbound.caFile());
        this.mtaSts = outbound.mtaSts() ? Optional.of(new MtaSts(dns,
                new PolicyFetcher(dns, trust, PolicyFetcher.HTTPS_PORT, STS_TIMEOUT, STS_DEADLINE),
                new PolicyStore(outbound.mtaStsCacheIn(config.spool())), clock, tlsReports)) : Optional.empty();
        DomainTls domainTls = new DomainTls(outbound.tls(), outbound.tlsPolicy(), trust, mtaSts, dane(config, clock));
        SmtpTransport smtp = new SmtpTransport(resolver, hostname, outbound.port(), outbound.timeouts(),
                domainTls, outbound.bindAddress(), clock, tlsReports);
        Optional<RemoteDelivery.Smarthost> smarthost = Optional.empty();
        if (config.relay().isPresent()) {
            Relay relay = config.relay().get();
            SmtpTransport.Policy policy = relay.auth().isPresent()
                    ? new SmtpTransport.Policy(relay.tls(), relay.auth().get().user(),
                            firstLine(relay.auth().get().passwordFile()))
                    : SmtpTransport.Policy.of(relay.tls());
            smarthost = Optional.of(new RemoteDelivery.Smarthost(relay.smarthost().host(), relay.smarthost().port(),
                    policy));
        }
        this.remote = new RemoteDelivery(smtp, smarthost, config.routes(), route -> lmtp(route.target()),
                SmtpTransport.Policy.of(config.outbound().tls()));
    }

    /**
     * DANE's validating resolver, built only when a level asks for DANE ({@code outbound.tls: dane}, or {@code dane}
     * or {@code dane-only} for a domain): DNSSEC validation is then the operator's choice, and a resolver that strips
     * DNSSEC records (which makes validated answers bogus) can only hold up mail for which DANE was asked.
     */
    private static Optional<DaneVerifier> dane(Config config, Clock clock) throws IOException {
        var outbound = config.outbound();
        if (!outbound.tls().dane() && outbound.tlsPolicy().values().stream().noneMatch(TlsPolicy::dane)) {
            return Optional.empty();
        }
        return Optional.of(Dane.create(config.dns().resolvers(), config.dns().timeout(),
                config.dns().dnssecTrustAnchor(), clock));
    }

    /** The password file's first line: the file is read once, at start, by the daemon alone. */
    private static String firstLine(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || lines.getFirst().isEmpty()) {
            throw new IOException("no password in " + file);
        }
        return lines.getFirst();
    }

    @Override
    public RemoteDelivery remote() {
        return remote;
    }

    @Override
    public int maxReceivedHeaders() {
        return maxReceivedHeaders;
    }

    @Override
    public Maildir maildir(LocalDelivery.Maildir maildir, Destination.Mailbox mailbox) {
        return maildirs.get(maildir.root().resolve(mailbox.mailbox()),
                folder -> new Maildir(maildir.root(), mailbox.mailbox(), hostname));
    }

    @Override
    public Lmtp lmtp(LocalDelivery.Lmtp delivery) {
        return lmtp(delivery.target());
    }

    Lmtp lmtp(LmtpTarget destination) {
        return lmtp.computeIfAbsent(destination, target -> new Lmtp(switch (target) {
            case LmtpTarget.Tcp tcp -> new Endpoint.Tcp(tcp.host(), tcp.port());
            case LmtpTarget.Unix unix -> new Endpoint.Unix(unix.socket());
        }, hostname, timeouts));
    }

    @Override
    public void close() {
        remote.close();
        mtaSts.ifPresent(sts -> {
            try {
                sts.close();
            } catch (IOException e) {
                LoggerFactory.getLogger(Transports.class).debug("MTA-STS client not closed cleanly: {}", e.toString());
            }
        });
    }
}
