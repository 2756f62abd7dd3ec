package dev.posthorn.mta.config;

import dev.posthorn.mailauth.dkim.DkimSigner;
import dev.posthorn.mta.bounce.UntrustedReports;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.server.Stress;
import dev.posthorn.smtp.server.Tarpit;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where default values live. The loader takes a missing key's value from here and
 * {@link ConfigPrinter} prints these values, so what {@code posthorn config defaults} shows is what a file gets.
 */
final class Defaults {

    static final String HOSTNAME = "localhost";
    static final String LOCAL_DOMAIN = "localhost";
    static final String SPOOL = "var/spool";
    static final String MAILDIR = "var/mail";
    static final boolean PLUS_ADDRESSING = true;
    static final List<Network> TRUSTED_NETWORKS = List.of(Network.parse("127.0.0.0/8"), Network.parse("::1/128"));
    /**
     * Per untrusted client address and minute: 60 connections, 100 messages, 500 recipients. Far above what a real
     * MTA sends one server, low enough to stop a single host's flood.
     */
    static final PerIp PER_IP = new PerIp(new Rate(60, Duration.ofMinutes(1)), new Rate(100, Duration.ofMinutes(1)),
            new Rate(500, Duration.ofMinutes(1)));
    /** Postfix's smtpd_min_data_rate: a modem line's speed, below any real sender's. */
    static final long MIN_DATA_RATE = 500;
    /** Postfix's smtpd_junk_command_limit: a real client sends a handful of NOOPs and RSETs, not hundreds. */
    static final int MAX_JUNK_COMMANDS = 100;
    /**
     * Postfix's stress mode (smtpd_timeout = ${stress?10}{300}), from 80 % of max_connections on, with five seconds for
     * a command: a real client answers in milliseconds, and a client queued behind a full house of silent ones gets a
     * slot within ten seconds (see {@link Stress#DEFAULT}).
     */
    static final Stress STRESS = Stress.DEFAULT;
    /** 25 MiB: what large providers accept, so replies about size rarely surprise anyone. */
    static final Limits LIMITS = new Limits(26_214_400, Limits.MIN_RECIPIENTS, 1000, 50, 104_857_600, PER_IP,
            MIN_DATA_RATE, MAX_JUNK_COMMANDS, STRESS);
    /**
     * From the third 5xx on, one second more before each reply, at most ten: a real sender seldom draws three
     * refusals in one session, a prober of addresses or relay tricks draws dozens.
     */
    static final Tarpit TARPIT = new Tarpit(3, Duration.ofSeconds(1), Duration.ofSeconds(10));
    /** No blocklist: which list to trust (and its terms of use) is the operator's choice. */
    static final Dnsbl DNSBL = new Dnsbl(List.of(), Dnsbl.Action.REJECT, Duration.ofSeconds(2));
    /** The system's resolvers; ten seconds is long enough for a slow name server, short enough for a queue run. */
    static final Dns DNS = new Dns(List.of(), Duration.ofSeconds(10));
    /**
     * Soon at first (greylisting lets most mail in after minutes), then every three hours; a delay notice after four
     * hours and a bounce after five days, as sendmail does. Ten thousand messages in memory (a few kilobytes each)
     * keep every delivery worker busy, while a queue of millions stays on disk. A sender nobody vouched for gets
     * failure reports only, with the headers only: success reports with the message are a reflection service.
     */
    static final Queue QUEUE = new Queue(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3)),
            Duration.ofDays(5), Duration.ofHours(4), 100, 10_000, UntrustedReports.NONE);
    /** A smarthost usually wants AUTH, and credentials must not travel in clear text. */
    static final TlsPolicy RELAY_TLS = TlsPolicy.ENCRYPT;
    /**
     * No keys, so nothing is signed; the fields a reader sees and those that change how the body reads are signed,
     * From once more than present (the list OpenDKIM and rspamd sign by default, give or take).
     */
    static final Dkim DKIM = new Dkim(Map.of(), DkimSigner.DEFAULT_HEADERS, DkimSigner.DEFAULT_OVERSIGNED,
            Optional.empty());
    /** Port 25, opportunistic TLS: what reaches every mail server on the Internet. */
    static final Outbound OUTBOUND = new Outbound(25, TlsPolicy.MAY);

    /**
     * Every check on, since it only adds an Authentication-Results field; nothing refused, since a refusal on SPF or
     * DMARC loses forwarded mail and is the operator's choice.
     */
    static final Checks CHECKS = new Checks(true, true, true, false, false, false, Optional.empty());

    /** The admin listener on loopback only: metrics there need no token, the API always does. */
    static final Admin ADMIN = new Admin(Optional.of(new java.net.InetSocketAddress(loopback(), 2580)),
            Optional.empty());
    /** Text lines, as Postfix's maillog; json for log shippers. */
    static final Logging LOG = new Logging(Logging.Format.TEXT);

    private Defaults() {
    }

    /** The default configuration, relative paths resolved against {@code base}. */
    static Config config(Path base) {
        Path folder = base.toAbsolutePath().normalize();
        InetAddress loopback = loopback();
        List<Listener> listeners = List.of(
                new Listener(loopback, 2525, Listener.Role.MX),
                new Listener(loopback, 2587, Listener.Role.SUBMISSION),
                new Listener(loopback, 2465, Listener.Role.SUBMISSIONS));
        LocalDomain localhost = new LocalDomain(LOCAL_DOMAIN, new Mailboxes.Any(), Map.of(), Optional.empty(),
                PLUS_ADDRESSING, new LocalDelivery.Maildir(folder.resolve(MAILDIR)));
        Path spool = folder.resolve(SPOOL);
        return new Config(HOSTNAME, spool, listeners, Optional.empty(), TRUSTED_NETWORKS, LIMITS,
                Map.of(localhost.name(), localhost), Optional.of(Config.defaultUsersFile(spool)), DNS, QUEUE, Optional.empty(), Map.of(),
                OUTBOUND, DKIM, CHECKS, TARPIT, DNSBL, Senders.NONE, ADMIN, LOG,
                ReportSettings.OFF, ReportSettings.OFF);
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a four byte address is always valid", e);
        }
    }
}
