package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.IpLiteral;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Names;
import dev.posthorn.mta.routing.RouteTarget;
import dev.posthorn.smtp.server.Stress;
import dev.posthorn.smtp.server.Tarpit;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loads the configuration file: YAML 1.2 into {@link Config}, with every problem reported by file, line, column and
 * key path. A key missing from the file takes its value from {@link Config#defaults(Path)}; relative paths are
 * resolved against the file's folder, so that a configuration means the same whatever folder the daemon starts in.
 */
public final class ConfigLoader {

    static final List<String> KEYS = List.of("hostname", "spool", "listeners", "tls", "trusted_networks", "limits",
            "domains", "users_file", "dns", "queue", "relay", "routes", "outbound", "dkim", "checks", "tarpit", "dnsbl",
            "senders", "admin", "log", "dmarc", "tls_rpt", "spool_credentials", "spool_lease", "node", "node_dir");
    static final List<String> LISTENER_KEYS = List.of("address", "port", "role", "proxy_protocol", "proxy_from",
            "requiretls");
    static final List<String> LIMIT_KEYS = List.of("max_message_size", "max_recipients", "max_connections",
            "max_connections_per_ip", "min_free_disk", "per_ip", "min_data_rate", "max_junk_commands", "stress");

    private final Path folder;
    private final Config defaults;
    private final Problems problems;

    private ConfigLoader(Path folder, Problems problems) {
        this.folder = folder;
        this.defaults = Config.defaults(folder);
        this.problems = problems;
    }

    /**
     * Loads and validates {@code file}. An empty file gives the defaults.
     *
     * @throws ConfigException with every problem found, if the file cannot be used
     */
    public static Config load(Path file) throws ConfigException {
        Problems problems = new Problems(file.toString());
        Path folder = file.toAbsolutePath().normalize().getParent();
        ConfigLoader loader = new ConfigLoader(folder, problems);
        Optional<Node> root = YamlFile.read(file, problems);
        Config config = root.isPresent() ? loader.read(new Value(root.get(), "", problems)) : loader.defaults;
        if (!problems.isEmpty()) {
            throw problems.exception();
        }
        return config;
    }

    /** {@code spool: postgresql://...} with {@code spool_credentials}, {@code node} and {@code spool_lease}. */
    private Optional<SpoolDatabase> spoolDatabase(Section section) {
        Optional<Path> credentials = section.get("spool_credentials").flatMap(v -> v.file(folder));
        section.get("spool_credentials").ifPresent(v -> credentials.filter(java.nio.file.Files::isRegularFile)
                .ifPresent(v::warnIfReadableByOthers));
        String node = section.get("node").flatMap(Value::string).orElseGet(SpoolDatabase::machineName);
        java.time.Duration lease = section.get("spool_lease").flatMap(v -> v.parsed(text -> {
            java.time.Duration d = DurationLiteral.parse(text);
            if (d.compareTo(java.time.Duration.ofSeconds(2)) < 0) {
                throw new IllegalArgumentException("at least 2s");
            }
            return d;
        })).orElse(SpoolDatabase.LEASE);
        Value url = section.get("spool").orElseThrow();
        return url.parsed(text -> SpoolDatabase.parse(text, credentials, node, lease));
    }

    private Config read(Value root) {
        Optional<Section> top = root.section();
        if (top.isEmpty()) {
            return defaults;
        }
        Section section = top.get();
        section.allowOnly(KEYS);
        String hostname = section.get("hostname").flatMap(this::hostname).orElse(defaults.hostname());
        boolean database = section.get("spool").flatMap(Value::string).filter(SpoolDatabase::isUrl).isPresent();
        Path spool = database
                ? section.get("node_dir").flatMap(v -> v.file(folder)).orElse(defaults.spool())
                : section.get("spool").flatMap(v -> v.file(folder)).orElse(defaults.spool());
        Optional<SpoolDatabase> spoolDatabase = database ? spoolDatabase(section) : Optional.empty();
        if (!database) {
            for (String key : List.of("spool_credentials", "spool_lease", "node", "node_dir")) {
                section.get(key).ifPresent(v -> v.problem("only with a database spool (spool: postgresql://...)"));
            }
        }
        List<Listener> listeners = section.get("listeners").map(this::listeners).orElse(defaults.listeners());
        Optional<TlsFiles> tls = section.get("tls").isPresent()
                ? section.get("tls").flatMap(v -> TlsReader.read(v, folder)) : defaults.tls();
        List<Network> trusted = section.get("trusted_networks").map(this::networks)
                .orElse(defaults.trustedNetworks());
        Limits limits = section.get("limits").map(this::limits).orElse(defaults.limits());
        Map<String, LocalDomain> domains = section.get("domains")
                .map(v -> new DomainReader(folder).read(v)).orElse(defaults.domains());
        Optional<Path> usersFile = section.get("users_file").isPresent()
                ? section.get("users_file").flatMap(v -> v.file(folder)) : Optional.of(Config.defaultUsersFile(spool));
        section.get("users_file").ifPresent(v -> usersFile.filter(java.nio.file.Files::isRegularFile)
                .ifPresent(v::warnIfReadableByOthers));
        OutboundReader outboundSections = new OutboundReader(folder, defaults);
        Dns dns = section.get("dns").map(outboundSections::dns).orElse(defaults.dns());
        Queue queue = section.get("queue").map(outboundSections::queue).orElse(defaults.queue());
        Optional<Relay> relay = section.get("relay").isPresent()
                ? section.get("relay").flatMap(outboundSections::relay) : defaults.relay();
        Map<String, RouteTarget> routes = section.get("routes")
                .map(v -> outboundSections.routes(v, domains.keySet())).orElse(defaults.routes());
        Outbound outbound = section.get("outbound").map(v -> outboundSections.outbound(v, domains.keySet()))
                .orElse(defaults.outbound());
        Dkim dkim = section.get("dkim").map(new DkimReader(folder, defaults.dkim())::read).orElse(defaults.dkim());
        Checks checks = section.get("checks").map(v -> ChecksReader.read(v, folder, defaults.checks()))
                .orElse(defaults.checks());
        ReportSettings dmarcReports = section.get("dmarc")
                .map(v -> ReportsReader.dmarc(v, defaults.dmarcReports(), checks)).orElse(defaults.dmarcReports());
        ReportSettings tlsReports = section.get("tls_rpt").map(v -> ReportsReader.tls(v, defaults.tlsReports()))
                .orElse(defaults.tlsReports());
        AbuseReader abuse = new AbuseReader(defaults);
        Tarpit tarpit = section.get("tarpit").map(abuse::tarpit).orElse(defaults.tarpit());
        Dnsbl dnsbl = section.get("dnsbl").map(abuse::dnsbl).orElse(defaults.dnsbl());
        Senders senders = section.get("senders").map(abuse::senders).orElse(defaults.senders());
        OperationReader operation = new OperationReader(folder, defaults);
        Admin admin = section.get("admin").map(operation::admin).orElse(defaults.admin());
        Logging log = section.get("log").map(operation::log).orElse(defaults.log());
        if (!problems.isEmpty()) {
            return defaults;
        }
        try {
            return new Config(hostname, spool, listeners, tls, trusted, limits, domains, usersFile, dns, queue, relay,
                    routes, outbound, dkim, checks, tarpit, dnsbl, senders, admin, log, dmarcReports,
                    tlsReports, spoolDatabase);
        } catch (IllegalArgumentException e) {
            // The checks above should leave nothing for the records to refuse; if they do, still name the file.
            root.problem(e.getMessage());
            return defaults;
        }
    }

    private Optional<String> hostname(Value value) {
        return value.parsed(text -> {
            Names.domainProblem(text).ifPresent(reason -> {
                throw new IllegalArgumentException(reason + ": " + text);
            });
            return text.toLowerCase(Locale.ROOT);
        });
    }

    private List<Listener> listeners(Value value) {
        List<Listener> listeners = new ArrayList<>();
        List<Value> items = value.list().orElse(List.of());
        if (value.isList() && items.isEmpty()) {
            value.problem("at least one listener is needed");
        }
        for (Value item : items) {
            listener(item).ifPresent(listener -> {
                for (int i = 0; i < listeners.size(); i++) {
                    if (listeners.get(i).clashesWith(listener)) {
                        item.problem(listener + " clashes with " + value.path() + "[" + i + "], " + listeners.get(i));
                        return;
                    }
                }
                listeners.add(listener);
            });
        }
        return listeners;
    }

    private Optional<Listener> listener(Value item) {
        Optional<Section> section = item.section();
        if (section.isEmpty()) {
            return Optional.empty();
        }
        Section listener = section.get();
        listener.allowOnly(LISTENER_KEYS);
        Optional<InetAddress> address = listener.require("address").flatMap(v -> v.parsed(IpLiteral::parse));
        Optional<Long> port = listener.require("port")
                .flatMap(v -> v.integer(1, 65_535, "port must be between 1 and 65535"));
        Optional<Listener.Role> role = listener.require("role").flatMap(v -> v.parsed(name -> Listener.Role
                .named(name).orElseThrow(() -> new IllegalArgumentException(
                        "expected mx, submission or submissions, got " + name))));
        Optional<Boolean> proxy = listener.get("proxy_protocol").isPresent()
                ? listener.get("proxy_protocol").flatMap(Value::bool) : Optional.of(false);
        Optional<List<Network>> proxies = proxy.flatMap(on -> proxyFrom(listener, on));
        // RFC 8689: offered on TLS sessions unless turned off (true by default, as Posthorn honours it outbound).
        Optional<Boolean> requireTls = listener.get("requiretls").isPresent()
                ? listener.get("requiretls").flatMap(Value::bool) : Optional.of(true);
        if (address.isEmpty() || port.isEmpty() || role.isEmpty() || proxy.isEmpty() || proxies.isEmpty()
                || requireTls.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Listener(address.get(), port.get().intValue(), role.get(), proxy.get(),
                proxies.get(), requireTls.get()));
    }

    /**
     * A listener's {@code proxy_from}: the networks of the proxies, required and not empty with
     * {@code proxy_protocol: true} (a header from anyone would let any client choose its address); without it empty
     * or absent (networks there would make the operator believe the listener reads headers it does not).
     */
    private Optional<List<Network>> proxyFrom(Section listener, boolean proxyProtocol) {
        Optional<Value> value = listener.get("proxy_from");
        if (!proxyProtocol) {
            Optional<List<Value>> items = value.isPresent() ? value.get().list() : Optional.of(List.of());
            if (items.isPresent() && !items.get().isEmpty()) {
                value.get().problem("only for a listener with proxy_protocol: true");
                return Optional.empty();
            }
            return items.map(none -> List.<Network>of());
        }
        if (value.isEmpty()) {
            listener.self().problem("proxy_protocol: true needs proxy_from, the networks of the proxies");
            return Optional.empty();
        }
        Optional<List<Value>> items = value.get().list();
        if (items.isEmpty()) {
            return Optional.empty();
        }
        if (items.get().isEmpty()) {
            value.get().problem("at least one network is needed with proxy_protocol: true");
            return Optional.empty();
        }
        List<Network> networks = new ArrayList<>();
        for (Value item : items.get()) {
            item.parsed(Network::parse).ifPresent(networks::add);
        }
        return networks.size() == items.get().size() ? Optional.of(networks) : Optional.empty();
    }

    private List<Network> networks(Value value) {
        List<Network> networks = new ArrayList<>();
        for (Value item : value.list().orElse(List.of())) {
            item.parsed(Network::parse).ifPresent(networks::add);
        }
        return networks;
    }

    private Limits limits(Value value) {
        Limits d = defaults.limits();
        Optional<Section> found = value.section();
        if (found.isEmpty()) {
            return d;
        }
        Section section = found.get();
        section.allowOnly(LIMIT_KEYS);
        String positive = "must be a positive integer";
        String positiveInt = "must be between 1 and " + Integer.MAX_VALUE;
        long size = limit(section, "max_message_size", 1, Long.MAX_VALUE, positive, d.maxMessageSize());
        long recipients = limit(section, "max_recipients", Limits.MIN_RECIPIENTS, Integer.MAX_VALUE,
                "must be at least " + Limits.MIN_RECIPIENTS + " (RFC 5321 4.5.3.1.8)", d.maxRecipients());
        long connections = limit(section, "max_connections", 1, Integer.MAX_VALUE, positiveInt, d.maxConnections());
        long perIp = limit(section, "max_connections_per_ip", 0, Integer.MAX_VALUE,
                "must be between 0 (no limit of its own) and " + Integer.MAX_VALUE, d.maxConnectionsPerIp());
        PerIp rates = section.get("per_ip").map(new AbuseReader(defaults)::perIp).orElse(d.perIp());
        long minFree = limit(section, "min_free_disk", 1, Long.MAX_VALUE, positive, d.minFreeDisk());
        long dataRate = limit(section, "min_data_rate", 1, Long.MAX_VALUE, positive, d.minDataRate());
        long junk = limit(section, "max_junk_commands", 1, Integer.MAX_VALUE, positiveInt, d.maxJunkCommands());
        Stress stress = section.get("stress").map(new AbuseReader(defaults)::stress).orElse(d.stress());
        if (perIp > connections) {
            Optional<Value> written = section.get("max_connections_per_ip");
            if (written.isPresent()) {
                written.get().problem("exceeds max_connections (" + connections + ")");
            } else {
                section.self().problem("max_connections (" + connections + ") is below the default"
                        + " max_connections_per_ip (" + perIp + "); set max_connections_per_ip too");
            }
            return d;
        }
        return new Limits(size, (int) recipients, (int) connections, (int) perIp, minFree, rates, dataRate, (int) junk,
                stress);
    }

    private static long limit(Section section, String key, long min, long max, String reason, long fallback) {
        return section.get(key).flatMap(v -> v.integer(min, max, reason)).orElse(fallback);
    }
}
