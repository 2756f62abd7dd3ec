package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Names;
import dev.posthorn.mta.routing.RouteTarget;
import dev.posthorn.smtp.server.Tarpit;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration of the daemon, as loaded from one YAML file by {@link ConfigLoader} or taken from
 * {@link #defaults()}. Immutable; paths are absolute once loaded.
 *
 * @param hostname        the server's own name, used in the greeting, EHLO and Received headers (RFC 5321 4.1.1.1)
 * @param spool           the folder of the queue
 * @param listeners       where to listen, at least one, no two on the same address and port
 * @param tls             certificate and key; empty means a self-signed certificate, generated once
 * @param trustedNetworks clients from these networks may relay without authentication
 * @param limits          resource limits
 * @param domains         the local domains, keyed by their lower-case name, in the order written
 * @param usersFile       the file of users who may AUTH (name:hash lines); a file that names none gets
 *                        {@link #defaultUsersFile}; empty (only in configurations built in code): no AUTH
 * @param dns             how outbound delivery asks DNS for mail exchangers
 * @param queue           retries and lifetime of queued mail, loop detection
 * @param relay           the smarthost all remote mail goes to; empty means each domain's MX hosts
 * @param routes          remote domains whose mail goes elsewhere than the relay or their MX hosts, keyed by their
 *                        lower-case name, in the order written; never a local domain
 * @param outbound        the port and TLS policies for other domains' servers, MTA-STS
 * @param dkim            DKIM signing of outgoing mail
 * @param checks          inbound message authentication (SPF, DKIM, DMARC) on the MX listeners
 * @param tarpit          how replies to untrusted clients that keep failing are slowed down
 * @param dnsbl           the DNS blocklists untrusted clients are looked up in when they connect
 * @param senders         the envelope senders of authenticated users, where the default is not enough
 * @param admin           the admin listener (HTTP: metrics, health, the API the command line uses)
 * @param log             how the mail log is written
 * @param dmarcReports    DMARC aggregate reports about the mail the inbound checks evaluated
 * @param tlsReports      SMTP TLS reports (RFC 8460) about the outbound sessions
 * @param spoolDatabase   the queue in PostgreSQL, shared with other nodes; empty for the queue in {@code spool}, which
 *                        is then this node's own folder either way (lock, certificate, tokens, users, report counts)
 */
public record Config(String hostname, Path spool, List<Listener> listeners, Optional<TlsFiles> tls,
                     List<Network> trustedNetworks, Limits limits, Map<String, LocalDomain> domains,
                     Optional<Path> usersFile, Dns dns, Queue queue, Optional<Relay> relay,
                     Map<String, RouteTarget> routes, Outbound outbound, Dkim dkim, Checks checks, Tarpit tarpit,
                     Dnsbl dnsbl, Senders senders, Admin admin, Logging log, ReportSettings dmarcReports,
                     ReportSettings tlsReports, Optional<SpoolDatabase> spoolDatabase) {

    public Config {
        Names.domainProblem(hostname).ifPresent(reason -> {
            throw new IllegalArgumentException("hostname: " + reason + ": " + hostname);
        });
        Objects.requireNonNull(spool, "spool");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(usersFile, "usersFile");
        Objects.requireNonNull(dns, "dns");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(dkim, "dkim");
        Objects.requireNonNull(checks, "checks");
        Objects.requireNonNull(tarpit, "tarpit");
        Objects.requireNonNull(dnsbl, "dnsbl");
        Objects.requireNonNull(senders, "senders");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(dmarcReports, "dmarcReports");
        Objects.requireNonNull(tlsReports, "tlsReports");
        Objects.requireNonNull(spoolDatabase, "spoolDatabase");
        if (dmarcReports.enabled() && !checks.dmarc()) {
            throw new IllegalArgumentException("dmarc.reports need checks.dmarc");
        }
        listeners = List.copyOf(listeners);
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is needed");
        }
        for (int i = 0; i < listeners.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (listeners.get(i).clashesWith(listeners.get(j))) {
                    throw new IllegalArgumentException("listeners clash: " + listeners.get(j) + " and "
                            + listeners.get(i));
                }
            }
        }
        trustedNetworks = List.copyOf(trustedNetworks);
        domains.forEach((key, domain) -> {
            if (!key.equals(domain.name())) {
                throw new IllegalArgumentException("domain " + domain.name() + " is filed under " + key);
            }
        });
        domains = Collections.unmodifiableMap(new LinkedHashMap<>(domains));
        routes = Names.domainKeyed("routes", routes);
        for (String domain : routes.keySet()) {
            if (domains.containsKey(domain)) {
                throw new IllegalArgumentException("routes: " + domain + " is a local domain");
            }
        }
        for (String domain : outbound.tlsPolicy().keySet()) {
            if (domains.containsKey(domain)) {
                throw new IllegalArgumentException("outbound.tls_policy: " + domain + " is a local domain");
            }
        }
    }

    /** A configuration with the queue in its folder ({@code spool}), as every one was before the database spool. */
    public Config(String hostname, Path spool, List<Listener> listeners, Optional<TlsFiles> tls,
                  List<Network> trustedNetworks, Limits limits, Map<String, LocalDomain> domains,
                  Optional<Path> usersFile, Dns dns, Queue queue, Optional<Relay> relay,
                  Map<String, RouteTarget> routes, Outbound outbound, Dkim dkim, Checks checks, Tarpit tarpit,
                  Dnsbl dnsbl, Senders senders, Admin admin, Logging log, ReportSettings dmarcReports,
                  ReportSettings tlsReports) {
        this(hostname, spool, listeners, tls, trustedNetworks, limits, domains, usersFile, dns, queue, relay, routes,
                outbound, dkim, checks, tarpit, dnsbl, senders, admin, log, dmarcReports, tlsReports, Optional.empty());
    }

    /**
     * A configuration for code that builds one by hand: no DKIM signing, no inbound checks (it signs nothing and checks
     * nothing), the default tarpit, no blocklist, no sender entries, no admin listener and no reports;
     * the {@code with...} methods add them.
     */
    public Config(String hostname, Path spool, List<Listener> listeners, Optional<TlsFiles> tls,
                  List<Network> trustedNetworks, Limits limits, Map<String, LocalDomain> domains,
                  Optional<Path> usersFile, Dns dns, Queue queue, Optional<Relay> relay,
                  Map<String, RouteTarget> routes, Outbound outbound) {
        this(hostname, spool, listeners, tls, trustedNetworks, limits, domains, usersFile, dns, queue, relay, routes,
                outbound, Defaults.DKIM, Checks.OFF, Defaults.TARPIT, Defaults.DNSBL, Senders.NONE, Admin.OFF,
                Defaults.LOG, ReportSettings.OFF, ReportSettings.OFF);
    }

    /**
     * The users file of a configuration that names none: {@code users} in the spool folder, which the daemon creates
     * empty (mode 600) at its first start, so that submission works once a user is added.
     */
    public static Path defaultUsersFile(Path spool) {
        return spool.resolve("users");
    }

    /**
     * The embedded defaults, what {@code posthorn run} uses without a configuration file; relative paths are
     * resolved against the current working folder.
     */
    public static Config defaults() {
        return Defaults.config(Path.of("").toAbsolutePath());
    }

    /**
     * The embedded defaults with relative paths resolved against {@code base}: what a file in {@code base} that
     * sets nothing loads to.
     */
    public static Config defaults(Path base) {
        return Defaults.config(base);
    }

    /** The same configuration with the queue in a PostgreSQL database (or, empty, in the spool folder). */
    public Config withSpoolDatabase(Optional<SpoolDatabase> database) {
        return new Config(hostname, spool, listeners, tls, trustedNetworks, limits, domains, usersFile, dns, queue,
                relay, routes, outbound, dkim, checks, tarpit, dnsbl, senders, admin, log, dmarcReports, tlsReports,
                database);
    }

    /** The same configuration with other local domains (for tests and tools that vary one part). */
    public Config withDomains(Map<String, LocalDomain> newDomains) {
        return new Config(hostname, spool, listeners, tls, trustedNetworks, limits, newDomains, usersFile, dns, queue,
                relay, routes, outbound, dkim, checks, tarpit, dnsbl, senders, admin, log, dmarcReports, tlsReports,
                spoolDatabase);
    }

    /** The same configuration with other trusted networks and limits. */
    public Config withTrust(List<Network> newTrustedNetworks, Limits newLimits) {
        return new Config(hostname, spool, listeners, tls, newTrustedNetworks, newLimits, domains, usersFile, dns,
                queue, relay, routes, outbound, dkim, checks, tarpit, dnsbl, senders, admin, log, dmarcReports, tlsReports,
                spoolDatabase);
    }

    /** The same configuration with other DKIM signing. */
    public Config withDkim(Dkim newDkim) {
        return new Config(hostname, spool, listeners, tls, trustedNetworks, limits, domains, usersFile, dns, queue,
                relay, routes, outbound, newDkim, checks, tarpit, dnsbl, senders, admin, log, dmarcReports, tlsReports,
                spoolDatabase);
    }

    /** The same configuration with other inbound checks. */
    public Config withChecks(Checks newChecks) {
        return new Config(hostname, spool, listeners, tls, trustedNetworks, limits, domains, usersFile, dns, queue,
                relay, routes, outbound, dkim, newChecks, tarpit, dnsbl, senders, admin, log, dmarcReports, tlsReports,
                spoolDatabase);
    }

    /** The same configuration with another admin listener and mail log format. */
    public Config withOperation(Admin newAdmin, Logging newLog) {
        return new Config(hostname, spool, listeners, tls, trustedNetworks, limits, domains, usersFile, dns, queue,
                relay, routes, outbound, dkim, checks, tarpit, dnsbl, senders, newAdmin, newLog, dmarcReports, tlsReports,
                spoolDatabase);
    }

    /** The same configuration with another tarpit, blocklists and sender entries. */
    public Config withAbuseRules(Tarpit newTarpit, Dnsbl newDnsbl, Senders newSenders) {
        return new Config(hostname, spool, listeners, tls, trustedNetworks, limits, domains, usersFile, dns, queue,
                relay, routes, outbound, dkim, checks, newTarpit, newDnsbl, newSenders, admin, log, dmarcReports, tlsReports,
                spoolDatabase);
    }

    /** The same configuration with other DMARC reports. */
    public Config withDmarcReports(ReportSettings newDmarcReports) {
        return new Config(hostname, spool, listeners, tls, trustedNetworks, limits, domains, usersFile, dns, queue,
                relay, routes, outbound, dkim, checks, tarpit, dnsbl, senders, admin, log, newDmarcReports, tlsReports,
                spoolDatabase);
    }

    /** The same configuration with other TLS reports. */
    public Config withTlsReports(ReportSettings newTlsReports) {
        return new Config(hostname, spool, listeners, tls, trustedNetworks, limits, domains, usersFile, dns, queue,
                relay, routes, outbound, dkim, checks, tarpit, dnsbl, senders, admin, log, dmarcReports, newTlsReports,
                spoolDatabase);
    }
}
