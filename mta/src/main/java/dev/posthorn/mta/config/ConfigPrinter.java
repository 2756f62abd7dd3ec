package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.routing.RouteTarget;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.server.Tarpit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Writes a {@link Config} as a commented YAML document that {@link ConfigLoader} reads back to an equal
 * {@code Config}: {@code posthorn config defaults} prints {@link Config#defaults()} with it, like Postfix's
 * {@code postconf -d}. Every key is written, an absent optional one as a comment.
 */
public final class ConfigPrinter {

    /** Strings that need no quotes: no YAML indicator characters, and read back as strings (checked below). */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_/][A-Za-z0-9_./@+-]*");
    private static final ScalarResolver RESOLVER = new CoreSchema().getScalarResolver();

    private final StringBuilder out = new StringBuilder();
    private final Path base;

    private ConfigPrinter(Path base) {
        this.base = base.toAbsolutePath().normalize();
    }

    /** The document for {@code config}, with paths under {@code base} written relative to it. */
    public static String print(Config config, Path base) {
        return new ConfigPrinter(base).document(config);
    }

    private String document(Config config) {
        line("# Posthorn configuration (YAML 1.2). Relative paths are resolved against this file's folder.");
        line("");
        line("# This server's name, used in the greeting, in EHLO and in Received headers.");
        line("hostname: " + scalar(config.hostname()));
        line("");
        if (config.spoolDatabase().isEmpty()) {
            line("# The folder of the mail queue. Several nodes share one queue with spool: \"postgresql://HOST:PORT/DB\"");
            line("# (then also spool_credentials: FILE with USER:PASSWORD, node: NAME, default the machine's name,");
            line("# node_dir: this node's own folder, default var/spool, and spool_lease: " + duration(SpoolDatabase.LEASE)
                    + ", how long another node waits for a dead node's messages).");
            line("spool: " + path(config.spool()));
        } else {
            SpoolDatabase database = config.spoolDatabase().get();
            line("# The mail queue, in PostgreSQL, shared with the other nodes (a password in the URL is not printed).");
            line("spool: " + scalar(database.url()));
            database.credentials().ifPresentOrElse(file -> line("spool_credentials: " + path(file)),
                    () -> line("# spool_credentials: FILE (one line USER:PASSWORD)"));
            line("# This node's name among those sharing the queue, and its own folder (lock, certificate, tokens).");
            line("node: " + scalar(database.node()));
            line("node_dir: " + path(config.spool()));
            line("# A node's claim on a message lasts this long unrenewed: a dead node's messages wait as long.");
            line("spool_lease: " + duration(database.lease()));
        }
        line("");
        listeners(config.listeners());
        tls(config);
        line("# Clients from these networks may relay without AUTH. CIDR; a bare address is one host.");
        line("trusted_networks:" + (config.trustedNetworks().isEmpty() ? " []" : ""));
        config.trustedNetworks().forEach(network -> line("  - " + scalar(network.toString())));
        line("");
        line("# Users who may AUTH (submission): one name:hash a line, Argon2id or bcrypt; manage it with");
        line("# 'posthorn user add|passwd|del|list' (changes apply without a restart). Without users_file, the file");
        line("# users in the spool folder, created empty at the first start.");
        config.usersFile().ifPresent(file -> line((file.equals(Config.defaultUsersFile(config.spool())) ? "# " : "")
                + "users_file: " + path(file)));
        line("");
        limits(config.limits());
        tarpit(config.tarpit());
        dnsbl(config.dnsbl());
        senders(config.senders());
        dns(config.dns());
        queue(config.queue());
        relay(config.relay());
        routes(config.routes());
        outbound(config.outbound());
        dkim(config.dkim());
        checks(config.checks());
        dmarc(config.dmarcReports());
        tlsRpt(config.tlsReports());
        domains(config.domains());
        admin(config.admin());
        log(config.log());
        return out.toString();
    }

    private void admin(Admin admin) {
        line("# The admin listener (HTTP): /metrics (Prometheus), /healthz, /readyz, and /api/v1, which the");
        line("# command line's queue, explain and reload use. listen: an IP address and port, or none. The API");
        line("# needs the bearer token in token_file (default: admin.token in the spool, made on first start).");
        line("admin:");
        line("  listen: " + scalar(admin.listen().map(a -> new HostPort(AddressLiteral.format(a.getAddress()),
                a.getPort()).toString()).orElse("none")));
        admin.tokenFile().ifPresentOrElse(file -> line("  token_file: " + path(file)),
                () -> line("  # token_file: admin.token"));
        line("");
    }

    private void log(Logging log) {
        line("# The mail log (logger posthorn.mail): text lines, or json (one object a line).");
        line("log:");
        line("  format: " + log.format().configName());
    }

    private void listeners(List<Listener> listeners) {
        line("# Where to listen. address: an IP address (never a host name). role: mx (mail from other servers,");
        line("# port 25), submission (mail from users: STARTTLS and AUTH, port 587) or submissions (the same over");
        line("# implicit TLS, port 465, RFC 8314). proxy_protocol: true (behind HAProxy's send-proxy or");
        line("# send-proxy-v2): each connection starts with a PROXY header (v1 or v2) naming the real client,");
        line("# used for everything (Received, limits, trusted_networks, SPF, logs); proxy_from (required with");
        line("# it) lists the proxies' networks, and a connection from elsewhere, or without a valid header in");
        line("# 10 s, is closed without a reply. Default false. requiretls: offer REQUIRETLS (RFC 8689) after");
        line("# STARTTLS (and on submissions): such mail then goes on only over validated TLS to servers offering");
        line("# it too, else returns to its sender. Default true.");
        line("listeners:");
        for (Listener listener : listeners) {
            line("  - address: " + scalar(AddressLiteral.format(listener.address())));
            line("    port: " + listener.port());
            line("    role: " + listener.role().configName());
            line("    proxy_protocol: " + listener.proxyProtocol());
            line("    proxy_from:" + (listener.proxyFrom().isEmpty() ? " []" : ""));
            listener.proxyFrom().forEach(network -> line("      - " + scalar(network.toString())));
            line("    requiretls: " + listener.requireTls());
        }
        line("");
    }

    private void tls(Config config) {
        line("# Certificate chain and private key, PEM files. Without tls, a self-signed certificate is generated");
        line("# once and kept.");
        config.tls().ifPresentOrElse(tls -> {
            line("tls:");
            line("  cert: " + path(tls.cert()));
            line("  key: " + path(tls.key()));
        }, () -> {
            line("# tls:");
            line("#   cert: tls/cert.pem");
            line("#   key: tls/key.pem");
        });
        line("");
    }

    private void limits(Limits limits) {
        line("limits:");
        line("  # The largest message in octets, advertised as SIZE (RFC 1870).");
        line("  max_message_size: " + limits.maxMessageSize());
        line("  # Recipients per message; at least " + Limits.MIN_RECIPIENTS + " (RFC 5321 4.5.3.1.8).");
        line("  max_recipients: " + limits.maxRecipients());
        line("  # Open connections in all.");
        line("  max_connections: " + limits.maxConnections());
        line("  # Open connections from one client address, 421 4.7.0 beyond; 0: only max_connections. Trusted");
        line("  # networks are exempt.");
        line("  max_connections_per_ip: " + limits.maxConnectionsPerIp());
        line("  # Octets to keep free on the spool's file system; below this, MAIL gets 452 4.3.1.");
        line("  min_free_disk: " + limits.minFreeDisk());
        line("  # What one client address may do per window, as COUNT/WINDOW (100/1m); 0 turns a limit off.");
        line("  # Trusted networks and authenticated users are exempt.");
        line("  per_ip:");
        line("    # Connections; beyond: 421 4.7.0 and the connection is closed.");
        line("    connection_rate: " + scalar(limits.perIp().connectionRate().toString()));
        line("    # Messages (MAIL commands); beyond: 450 4.7.1.");
        line("    messages: " + scalar(limits.perIp().messages().toString()));
        line("    # Recipients (RCPT commands); beyond: 452 4.5.3.");
        line("    recipients: " + scalar(limits.perIp().recipients().toString()));
        line("  # Octets per second a message's data must keep: it may take the data timeout (5m) plus its size at");
        line("  # this rate, so a client sending a byte a second cannot hold a connection for hours.");
        line("  min_data_rate: " + limits.minDataRate());
        line("  # Commands that move no mail (NOOP, RSET, VRFY, HELP, ETRN, HELO, EHLO) a session may send before");
        line("  # each further one counts as an error; at 20 errors, 421 4.7.0. Starts over with each message.");
        line("  max_junk_commands: " + limits.maxJunkCommands());
        line("  # Stress mode (Postfix's): when the open connections of a listener reach begin_percent of");
        line("  # max_connections, sessions waiting for a command (new ones, and those waiting already) may wait only");
        line("  # command_timeout instead of 5m, and a message's data gets data_timeout plus its size at");
        line("  # min_data_rate. Ends once the connections stay below three quarters of the mark for the longer");
        line("  # timeout; both are logged once. begin_percent: 0 turns it off.");
        line("  stress:");
        line("    begin_percent: " + limits.stress().percent());
        line("    command_timeout: " + duration(limits.stress().commandTimeout()));
        line("    data_timeout: " + duration(limits.stress().dataTimeout()));
        line("");
    }

    private void tarpit(Tarpit tarpit) {
        line("# Slows down clients that keep failing: after after_errors 5xx replies in a session, each further");
        line("# reply waits delay times the failures past that, at most max_delay (at most 2m). after_errors: 0");
        line("# turns it off. Trusted networks and authenticated users are exempt.");
        line("tarpit:");
        line("  after_errors: " + tarpit.afterErrors());
        line("  delay: " + (tarpit.delay().isZero() ? "1s" : duration(tarpit.delay())));
        line("  max_delay: " + (tarpit.maxDelay().isZero() ? "1s" : duration(tarpit.maxDelay())));
        line("");
    }

    private void dnsbl(Dnsbl dnsbl) {
        line("# DNS blocklists (RFC 5782) asked, all at once, when an untrusted client connects, through the");
        line("# resolvers of dns below. action: reject (554 5.7.1 as the greeting, then only QUIT) or log (a log");
        line("# line only). timeout: for each list; one that fails or does not answer in time lets the client in.");
        line("dnsbl:");
        line("  zones: " + flowList(dnsbl.zones()));
        line("  action: " + dnsbl.action().configName());
        line("  timeout: " + duration(dnsbl.timeout()));
        line("");
    }

    private void senders(Senders senders) {
        line("# The envelope senders (MAIL FROM) an authenticated user may use, 553 5.7.1 otherwise. A user listed");
        line("# here may use exactly the listed addresses (and their +tag forms) and any address of a listed");
        line("# @domain; a user not listed, their own name at each local domain (or the name itself when it is an");
        line("# address). E.g.:");
        line("#   alice: [ " + scalar("alice@example.org") + ", " + scalar("sales@example.org") + ", "
                + scalar("@example.net") + " ]");
        line("senders:" + (senders.byUser().isEmpty() ? " {}" : ""));
        senders.byUser().forEach((user, entries) -> line("  " + scalar(user) + ": " + flowList(entries)));
        line("");
    }

    private void dns(Dns dns) {
        line("# DNS for outbound delivery: the mail exchangers of other domains (MX records).");
        line("dns:");
        line("  # Recursive resolvers: IP addresses, with a port or not (53); IPv6 in brackets, as \"[::1]:53\".");
        line("  # An empty list means the system's resolvers (/etc/resolv.conf).");
        line("  resolvers: " + flowList(dns.resolvers().stream().map(Dns::format).toList()));
        line("  # How long to wait for an answer.");
        line("  timeout: " + duration(dns.timeout()));
        line("  # For DANE (a dane or dane-only level in outbound): the DNSSEC trust anchors, DS or DNSKEY records in");
        line("  # zone file format; without it, the IANA root zone's keys built into Posthorn. Posthorn validates the");
        line("  # answers itself, for the domains at a DANE level only; the resolvers must pass DNSSEC records on (a");
        line("  # resolver that strips them makes those answers bogus, and that mail is deferred).");
        dns.dnssecTrustAnchor().ifPresentOrElse(file -> line("  dnssec_trust_anchor: " + path(file)),
                () -> line("  # dnssec_trust_anchor: root-anchors.zone"));
        line("");
    }

    private void queue(Queue queue) {
        line("# Mail that cannot be delivered at once. Durations: an integer and a unit, ms, s, m, h or d.");
        line("queue:");
        line("  # The waits between delivery attempts; the last one repeats.");
        line("  retry: " + flowList(queue.retry().stream().map(ConfigPrinter::duration).toList()));
        line("  # How long after arrival an undelivered message is returned to its sender.");
        line("  max_lifetime: " + duration(queue.maxLifetime()));
        line("  # How long after arrival the sender is told of the delay (RFC 3464); shorter than max_lifetime.");
        line("  delay_notice: " + duration(queue.delayNotice()));
        line("  # A message with more Received headers is taken for a loop and returned (RFC 5321 6.3); at least "
                + Queue.MIN_RECEIVED_HEADERS + ".");
        line("  max_received_headers: " + queue.maxReceivedHeaders());
        line("  # At most this many queued messages are held in memory for delivery; the rest wait on disk and are");
        line("  # read in, earliest due first, as places free up. At least 1.");
        line("  active_limit: " + queue.activeLimit());
        line("  # The reports a sender gets whose mail came from a client neither trusted nor authenticated, who can");
        line("  # name anyone as the sender: none (failure reports only, with the message's headers only), headers");
        line("  # (every report asked for, with the headers only) or full (RET=FULL returns the whole message: anyone");
        line("  # could have us mail a body of their choosing to an address of their choosing).");
        line("  reports_for_untrusted: " + queue.reportsForUntrusted().keyword());
        line("");
    }

    private void relay(Optional<Relay> relay) {
        line("# A smarthost that all remote mail goes to, instead of each domain's MX hosts. smarthost: HOST:PORT.");
        line("# tls: none, may (STARTTLS when offered), encrypt (STARTTLS required) or verify (and the certificate");
        line("# checked); encrypt when not set. auth: the user name and a file holding the password (AUTH needs");
        line("# tls: encrypt or verify).");
        relay.ifPresentOrElse(r -> {
            line("relay:");
            line("  smarthost: " + scalar(r.smarthost().toString()));
            line("  tls: " + r.tls().configName());
            r.auth().ifPresentOrElse(auth -> {
                line("  auth:");
                line("    user: " + scalar(auth.user()));
                line("    password_file: " + path(auth.passwordFile()));
            }, () -> {
                line("  # auth:");
                line("  #   user: posthorn");
                line("  #   password_file: relay-password.txt");
            });
        }, () -> {
            line("# relay:");
            line("#   smarthost: " + scalar("smtp.example.net:587"));
            line("#   tls: " + Defaults.RELAY_TLS.configName());
            line("#   auth:");
            line("#     user: posthorn");
            line("#     password_file: relay-password.txt");
        });
        line("");
    }

    private void routes(Map<String, RouteTarget> routes) {
        line("# Where the mail of some remote domains goes, ahead of the relay: HOST:PORT (SMTP to that server),");
        line("# \"lmtp:HOST:PORT\", \"lmtp:unix:/PATH\", or mx (the domain's MX hosts, as without a relay). E.g.:");
        line("#   example.net: " + scalar("mail.example.net:25"));
        line("#   example.com: " + scalar("lmtp:unix:/run/dovecot/lmtp"));
        line("routes:" + (routes.isEmpty() ? " {}" : ""));
        routes.forEach((domain, route) -> line("  " + scalar(domain) + ": " + scalar(route.toString())));
        line("");
    }

    private void outbound(Outbound outbound) {
        line("# How other domains' servers are contacted: their port, and the default TLS policy: none, may, encrypt,");
        line("# verify (as for the relay) or dane. may works with every server. dane is opportunistic DANE (RFC 7672,");
        line("# Postfix's dane): the MX and address records are validated with DNSSEC (dns.dnssec_trust_anchor), MX");
        line("# hosts with secure TLSA records must present a certificate that matches them (else the next MX, then");
        line("# 4.7.5), and domains without them get their MTA-STS policy, else may. DANE is used only when a dane");
        line("# or dane-only level is configured.");
        line("outbound:");
        line("  port: " + outbound.port());
        line("  tls: " + outbound.tls().configName());
        line("  # The TLS policy of single domains, ahead of DANE, MTA-STS and tls: none, may, encrypt, verify, dane");
        line("  # (DANE where TLSA records are published, else may) or dane-only (no mail to an MX host without");
        line("  # usable TLSA records). E.g.:");
        line("  #   example.net: verify");
        line("  tls_policy:" + (outbound.tlsPolicy().isEmpty() ? " {}" : ""));
        outbound.tlsPolicy().forEach((domain, policy) -> line("    " + scalar(domain) + ": " + policy.configName()));
        line("  # The CAs that verify and MTA-STS trust, a PEM bundle; without it, the JDK's trust store.");
        outbound.caFile().ifPresentOrElse(file -> line("  ca_file: " + path(file)),
                () -> line("  # ca_file: tls/ca.pem"));
        line("  # Whether MTA-STS policies (RFC 8461) are fetched and applied: a domain that enforces one gets its");
        line("  # mail only over TLS with a valid certificate, to the MX hosts it lists.");
        line("  mta_sts: " + outbound.mtaSts());
        line("  # Where fetched MTA-STS policies are kept across restarts; without it, state/mta-sts in the spool.");
        outbound.mtaStsCache().ifPresentOrElse(folder -> line("  mta_sts_cache: " + path(folder)),
                () -> line("  # mta_sts_cache: var/spool/state/mta-sts"));
        line("  # The local address to connect from (an IP literal), to servers of its family; without it, the");
        line("  # system's choice. On a host with several addresses: the one SPF records and PTR names know.");
        outbound.bindAddress().ifPresentOrElse(
                address -> line("  bind_address: " + scalar(AddressLiteral.format(address))),
                () -> line("  # bind_address: 192.0.2.25"));
        timeouts(outbound.timeouts());
        line("");
    }

    private void timeouts(ClientTimeouts timeouts) {
        line("  # How long the SMTP and LMTP client waits at each step before it gives up and tries later: to connect,");
        line("  # for the greeting, for the reply to MAIL (and EHLO, STARTTLS, AUTH), to each RCPT, for DATA's 354,");
        line("  # for each block of the message to be taken, and for the reply after the final dot. The defaults are");
        line("  # RFC 5321 4.5.3.2's minimums; shorter ones give up on slow servers that work.");
        line("  timeouts:");
        line("    connect: " + duration(timeouts.connect()));
        line("    greeting: " + duration(timeouts.greeting()));
        line("    mail: " + duration(timeouts.mail()));
        line("    rcpt: " + duration(timeouts.rcpt()));
        line("    data_init: " + duration(timeouts.dataInit()));
        line("    data_block: " + duration(timeouts.dataBlock()));
        line("    data_end: " + duration(timeouts.dataTermination()));
    }

    private void dkim(Dkim dkim) {
        line("# DKIM signing (RFC 6376) of mail from authenticated users and trusted networks (never of mail arriving");
        line("# from other servers). The author's domain (From), or its nearest parent with keys, signs: with every key");
        line("# listed, so an RSA and an Ed25519 key give two signatures. A key is a PEM file (PKCS#8): RSA of 1024");
        line("# bits or more (2048 recommended) or Ed25519; 'posthorn dkim keygen' makes one and prints the DNS record.");
        line("dkim:");
        line("  sign:" + (dkim.sign().isEmpty() ? " {}" : ""));
        if (dkim.sign().isEmpty()) {
            line("  #   example.org:");
            line("  #     - selector: s2026");
            line("  #       key: dkim/example.org.s2026.pem");
            line("  #     - selector: ed2026");
            line("  #       key: dkim/example.org.ed2026.pem");
        }
        dkim.sign().forEach((domain, keys) -> {
            line("    " + scalar(domain) + ":");
            for (Dkim.Key key : keys) {
                line("      - selector: " + scalar(key.selector()));
                line("        key: " + path(key.file()));
            }
        });
        line("  # The header fields signed, as often as the message has them (From is required).");
        line("  headers: " + flowList(dkim.headers()));
        line("  # Fields signed once more than present: no such field can be added without breaking the signature.");
        line("  oversign: " + flowList(dkim.oversign()));
        line("  # How long a signature is valid (x=); without it, signatures do not expire.");
        dkim.expiration().ifPresentOrElse(x -> line("  expiration: " + duration(x)),
                () -> line("  # expiration: 7d"));
        line("  # ARC (RFC 8617): seal mail this server forwards (aliases to other domains; relays from trusted");
        line("  # networks and authenticated users to remote domains) with an ARC set, signed with the RSA key of");
        line("  # the forwarding domain (the alias's, or the author's as for DKIM). Verifying arriving ARC chains");
        line("  # needs no key: it runs with checks.dkim and writes arc=pass|fail to Authentication-Results.");
        line("  arc:");
        line("    seal: " + dkim.arcSeal());
        line("");
    }

    private void checks(Checks checks) {
        line("# Inbound message authentication on mx listeners, for clients neither trusted nor authenticated. Each");
        line("# check adds its result to an Authentication-Results field (RFC 8601) headed by this hostname; such");
        line("# fields that arrive claiming this hostname are removed. Refusals come at the end of DATA; a temporary");
        line("# DNS error never refuses mail (it defers it with defer_on_temperror). dmarc needs spf and dkim.");
        line("checks:");
        line("  # SPF (RFC 7208) for the MAIL FROM domain, or the HELO name when MAIL FROM is empty.");
        line("  spf: " + checks.spf());
        line("  # DKIM signatures (RFC 6376), and with them ARC chains (RFC 8617: arc=pass|fail, refusing nothing).");
        line("  dkim: " + checks.dkim());
        line("  # DMARC (RFC 7489) for the From domain. Aggregate reports: dmarc.reports; failure reports: none.");
        line("  dmarc: " + checks.dmarc());
        line("  # Refuse SPF fail with 550 5.7.23, unless DMARC passes.");
        line("  reject_spf_fail: " + checks.rejectSpfFail());
        line("  # Refuse DMARC fail under p=reject (as pct samples), or mail without exactly one From domain, with");
        line("  # 550 5.7.1. p=quarantine is accepted; its Authentication-Results say dmarc=fail (p=quarantine ...).");
        line("  dmarc_reject: " + checks.dmarcReject());
        line("  # Answer 451 instead of accepting when a check that could refuse the message had a DNS failure.");
        line("  defer_on_temperror: " + checks.deferOnTemperror());
        line("  # The Public Suffix List, for DMARC's organisational domains. Without it: Debian's publicsuffix");
        line("  # package file when installed, else a copy bundled with Posthorn (which ages with the release).");
        checks.publicSuffixList().ifPresentOrElse(file -> line("  public_suffix_list: " + path(file)),
                () -> line("  # public_suffix_list: /usr/share/publicsuffix/public_suffix_list.dat"));
        line("");
    }

    private void dmarc(ReportSettings reports) {
        line("# DMARC aggregate reports (RFC 7489 7.2) of what checks.dmarc saw, one a domain and interval, gzipped");
        line("# XML by mail, only to domains whose policy asks (rua=mailto:) and, outside the domain, only where the");
        line("# destination agrees (<domain>._report._dmarc.<destination>, RFC 7489 7.1). Signed with DKIM when");
        line("# dkim.sign has a key for the sender's domain. Counts are kept in dmarc-reports.db in the spool.");
        line("dmarc:");
        line("  reports:");
        reportKeys(reports, "    ");
        reports.extraContactInfo().ifPresentOrElse(text -> line("    extra_contact_info: " + scalar(text)),
                () -> line("    # extra_contact_info: (none)"));
        line("");
    }

    /** The keys both report sections have, at {@code indent}. */
    private void reportKeys(ReportSettings reports, String indent) {
        line(indent + "enabled: " + reports.enabled());
        line(indent + "# Intervals start at multiples of it since the epoch: a day starts at midnight UTC.");
        line(indent + "interval: " + DurationLiteral.format(reports.interval()));
        reports.orgName().ifPresentOrElse(name -> line(indent + "org_name: " + scalar(name)),
                () -> line(indent + "# org_name: the hostname"));
        reports.email().ifPresentOrElse(email -> line(indent + "email: " + scalar(email)),
                () -> line(indent + "# email: postmaster@<hostname> (From, MAIL FROM and contact of the reports)"));
    }

    private void tlsRpt(ReportSettings reports) {
        line("# SMTP TLS reports (RFC 8460) of the outbound sessions' TLS (successes, and failures by kind, per");
        line("# policy: MTA-STS, DANE or none), one a domain and interval, gzipped JSON, to each domain that");
        line("# publishes _smtp._tls: by mail to its mailto: destinations (DKIM-signed when dkim.sign has a key for");
        line("# the sender's domain), by HTTPS POST to its https: ones. Counts are kept in tls-reports.db in the spool.");
        line("tls_rpt:");
        reportKeys(reports, "  ");
        line("");
    }

    private void domains(Map<String, LocalDomain> domains) {
        line("# The domains whose mail is delivered here. For each:");
        line("#   mailboxes:       a list of local parts, or \"*\" for any local part (required); a mailbox is");
        line("#                    a plain name ([a-z0-9][a-z0-9._+-]*); ASCII letters match in any case, and");
        line("#                    nothing else is folded (no Unicode case mapping)");
        line("#   aliases:         local part: target or [targets]; a target is a local part or user@domain");
        line("#   catch_all:       the mailbox for unknown local parts (without it, they are refused)");
        line("#   plus_addressing: whether user+tag goes to user (RFC 5233)");
        line("#   delivery:        maildir: PATH (mailbox user is the Maildir PATH/user/; links below PATH are");
        line("#                    refused), lmtp: HOST:PORT,");
        line("#                    lmtp: \"unix:/PATH\", or discard: true (queued, then thrown away) (required)");
        line("domains:" + (domains.isEmpty() ? " {}" : ""));
        for (LocalDomain domain : domains.values()) {
            line("  " + scalar(domain.name()) + ":");
            line("    mailboxes: " + switch (domain.mailboxes()) {
                case Mailboxes.Any any -> scalar(DomainReader.ANY_MAILBOX);
                case Mailboxes.Listed listed -> flowList(List.copyOf(listed.localParts()));
            });
            aliases(domain.aliases());
            domain.catchAll().ifPresentOrElse(mailbox -> line("    catch_all: " + scalar(mailbox)),
                    () -> line("    # catch_all: postmaster"));
            line("    plus_addressing: " + domain.plusAddressing());
            line("    delivery:");
            line("      " + switch (domain.delivery()) {
                case LocalDelivery.Maildir maildir -> "maildir: " + path(maildir.root());
                case LocalDelivery.Lmtp lmtp -> "lmtp: " + scalar(lmtp.target().toString());
                case LocalDelivery.Discard discard -> "discard: true";
            });
        }
    }

    private void aliases(Map<String, List<String>> aliases) {
        line("    aliases:" + (aliases.isEmpty() ? " {}" : ""));
        aliases.forEach((alias, targets) -> line("      " + scalar(alias) + ": "
                + (targets.size() == 1 ? scalar(targets.getFirst()) : flowList(targets))));
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    private String path(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        if (!absolute.startsWith(base)) {
            return scalar(absolute.toString());
        }
        String relative = base.relativize(absolute).toString();
        return scalar(relative.isEmpty() ? "." : relative);
    }

    private static String duration(Duration duration) {
        return scalar(DurationLiteral.format(duration));
    }

    private static String flowList(List<String> items) {
        return items.stream().map(ConfigPrinter::scalar).collect(Collectors.joining(", ", "[", "]"));
    }

    /** A string as a YAML scalar: plain when that reads back as the same string, double-quoted otherwise. */
    static String scalar(String text) {
        if (PLAIN.matcher(text).matches() && RESOLVER.resolve(text, true).equals(Tag.STR)) {
            return text;
        }
        StringBuilder quoted = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                quoted.append('\\').appendCodePoint(c);
            } else if (c < 0x20 || c >= 0x7f && c < 0xa0 || c == 0x2028 || c == 0x2029 || c == 0xfeff) {
                quoted.append(String.format("\\u%04x", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        return quoted.append('"').toString();
    }
}
