package dev.posthorn.mta.config;

import dev.posthorn.mta.bounce.UntrustedReports;
import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.mta.routing.IpLiteral;
import dev.posthorn.mta.routing.RouteTarget;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.client.ClientTimeouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Reads the sections outbound delivery needs: {@code dns}, {@code queue}, {@code relay}, {@code routes} and
 * {@code outbound}. A key missing from a section takes its value from the defaults.
 */
final class OutboundReader {

    static final List<String> DNS_KEYS = List.of("resolvers", "timeout", "dnssec_trust_anchor");
    static final List<String> QUEUE_KEYS = List.of("retry", "max_lifetime", "delay_notice", "max_received_headers",
            "active_limit", "reports_for_untrusted");
    static final List<String> RELAY_KEYS = List.of("smarthost", "tls", "auth");
    static final List<String> AUTH_KEYS = List.of("user", "password_file");
    static final List<String> OUTBOUND_KEYS = List.of("port", "tls", "tls_policy", "ca_file", "mta_sts",
            "mta_sts_cache", "timeouts", "bind_address");

    private final Path folder;
    private final Config defaults;

    OutboundReader(Path folder, Config defaults) {
        this.folder = folder;
        this.defaults = defaults;
    }

    Dns dns(Value value) {
        Dns d = defaults.dns();
        Optional<Section> found = value.section();
        if (found.isEmpty()) {
            return d;
        }
        Section section = found.get();
        section.allowOnly(DNS_KEYS);
        List<InetSocketAddress> resolvers = section.get("resolvers").map(this::resolvers).orElse(d.resolvers());
        Duration timeout = section.get("timeout").flatMap(OutboundReader::duration).orElse(d.timeout());
        Optional<Path> anchor = section.get("dnssec_trust_anchor").isPresent()
                ? section.get("dnssec_trust_anchor").flatMap(this::trustAnchor) : d.dnssecTrustAnchor();
        return new Dns(resolvers, timeout, anchor);
    }

    /**
     * A trust anchor file: read now, so that a file DANE could not use is reported with the configuration's line
     * rather than at the first delivery. It must hold at least one DS or DNSKEY record in zone file format.
     */
    private Optional<Path> trustAnchor(Value value) {
        Optional<Path> found = existingFile(value);
        if (found.isEmpty()) {
            return found;
        }
        Path file = found.get();
        int anchors = 0;
        try (Master zone = new Master(Files.newInputStream(file), Name.root, 0)) {
            for (Record record = zone.nextRecord(); record != null; record = zone.nextRecord()) {
                anchors += record.getType() == Type.DS || record.getType() == Type.DNSKEY ? 1 : 0;
            }
        } catch (IOException e) {
            // dnsjava's parse errors are IOExceptions (TextParseException) naming the line in the file.
            value.problem("cannot read " + file + ": " + e.getMessage());
            return Optional.empty();
        }
        if (anchors == 0) {
            value.problem("no DS or DNSKEY record in " + file);
            return Optional.empty();
        }
        return found;
    }

    private List<InetSocketAddress> resolvers(Value value) {
        List<InetSocketAddress> resolvers = new ArrayList<>();
        List<Value> items = value.list().orElse(List.of());
        for (Value item : items) {
            item.parsed(Dns::parseResolver).ifPresent(resolver -> {
                int first = resolvers.indexOf(resolver);
                if (first >= 0) {
                    item.problem(Dns.format(resolver) + " listed twice (first at " + items.get(first).path() + ")");
                } else {
                    resolvers.add(resolver);
                }
            });
        }
        return resolvers;
    }

    Queue queue(Value value) {
        Queue d = defaults.queue();
        Optional<Section> found = value.section();
        if (found.isEmpty()) {
            return d;
        }
        Section section = found.get();
        section.allowOnly(QUEUE_KEYS);
        Optional<List<Duration>> retry = written(section, "retry", OutboundReader::retry, d.retry());
        Optional<Duration> lifetime = written(section, "max_lifetime", OutboundReader::duration, d.maxLifetime());
        Optional<Duration> notice = written(section, "delay_notice", OutboundReader::duration, d.delayNotice());
        Optional<Long> received = written(section, "max_received_headers", v -> v.integer(Queue.MIN_RECEIVED_HEADERS,
                Integer.MAX_VALUE, "must be at least " + Queue.MIN_RECEIVED_HEADERS
                        + " (RFC 5321 6.3 asks for a large threshold, normally 100 or more)"),
                (long) d.maxReceivedHeaders());
        Optional<Long> activeLimit = written(section, "active_limit", v -> v.integer(1, Integer.MAX_VALUE,
                "must be at least 1"), (long) d.activeLimit());
        Optional<UntrustedReports> untrusted = written(section, "reports_for_untrusted",
                v -> v.parsed(UntrustedReports::parse), d.reportsForUntrusted());
        if (retry.isEmpty() || lifetime.isEmpty() || notice.isEmpty() || received.isEmpty()
                || activeLimit.isEmpty() || untrusted.isEmpty()) {
            return d;
        }
        if (notice.get().compareTo(lifetime.get()) >= 0) {
            String maxLifetime = DurationLiteral.format(lifetime.get());
            Optional<Value> delayNotice = section.get("delay_notice");
            if (delayNotice.isPresent()) {
                delayNotice.get().problem("must be shorter than max_lifetime (" + maxLifetime + ")");
            } else {
                section.self().problem("max_lifetime (" + maxLifetime + ") is not longer than the default"
                        + " delay_notice (" + DurationLiteral.format(notice.get()) + "); set delay_notice too");
            }
            return d;
        }
        return new Queue(retry.get(), lifetime.get(), notice.get(), received.get().intValue(),
                activeLimit.get().intValue(), untrusted.get());
    }

    /** The retry intervals; empty when there is a problem (it has been recorded). */
    private static Optional<List<Duration>> retry(Value value) {
        List<Duration> retry = new ArrayList<>();
        List<Value> items = value.list().orElse(List.of());
        if (value.isList() && items.isEmpty()) {
            value.problem("at least one retry interval is needed");
        }
        boolean complete = true;
        for (Value item : items) {
            Optional<Duration> interval = duration(item);
            interval.ifPresent(retry::add);
            complete &= interval.isPresent();
        }
        return complete && !retry.isEmpty() ? Optional.of(retry) : Optional.empty();
    }

    /** The relay, or empty when there is a problem (it has been recorded). */
    Optional<Relay> relay(Value value) {
        return value.section().flatMap(section -> {
            section.allowOnly(RELAY_KEYS);
            Optional<HostPort> smarthost = section.require("smarthost").flatMap(v -> v.parsed(HostPort::parse));
            Optional<Value> tlsValue = section.get("tls");
            Optional<TlsPolicy> tls = tlsValue.isPresent()
                    ? tlsValue.flatMap(v -> v.parsed(TlsPolicy::parseRelay)) : Optional.of(Defaults.RELAY_TLS);
            Optional<Value> authValue = section.get("auth");
            Optional<Relay.Auth> auth = authValue.flatMap(this::auth);
            if (authValue.isPresent() && tlsValue.isPresent() && tls.filter(t -> !t.requiresTls()).isPresent()) {
                tlsValue.get().problem(Relay.AUTH_NEEDS_TLS);
                return Optional.empty();
            }
            if (smarthost.isEmpty() || tls.isEmpty() || authValue.isPresent() && auth.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Relay(smarthost.get(), tls.get(), auth));
        });
    }

    private Optional<Relay.Auth> auth(Value value) {
        return value.section().flatMap(section -> {
            section.allowOnly(AUTH_KEYS);
            Optional<String> user = section.require("user").flatMap(v -> v.parsed(text -> {
                Relay.Auth.userProblem(text).ifPresent(reason -> {
                    throw new IllegalArgumentException(reason);
                });
                return text;
            }));
            Optional<Path> passwordFile = section.require("password_file").flatMap(this::passwordFile);
            return user.isPresent() && passwordFile.isPresent()
                    ? Optional.of(new Relay.Auth(user.get(), passwordFile.get())) : Optional.empty();
        });
    }

    /**
     * The password file: it must exist, since the daemon would otherwise find out only at its first delivery, and
     * it should be readable by its owner alone. Its content is not read here.
     */
    private Optional<Path> passwordFile(Value value) {
        Optional<Path> found = existingFile(value);
        if (found.isEmpty()) {
            return found;
        }
        value.warnIfReadableByOthers(found.get());
        return found;
    }

    /** The routes, by lower-case domain; empty when there is a problem (it has been recorded). */
    Map<String, RouteTarget> routes(Value value, Set<String> localDomains) {
        Optional<Section> section = value.section();
        if (section.isEmpty()) {
            return Map.of();
        }
        Map<String, RouteTarget> routes = new LinkedHashMap<>();
        section.get().domainKeyed().forEach((name, field) -> {
            if (localDomains.contains(name)) {
                field.key().problem(name + " is a local domain: its mail is delivered as domains." + name
                        + ".delivery says");
            } else {
                field.value().parsed(RouteTarget::parse).ifPresent(route -> routes.put(name, route));
            }
        });
        return routes;
    }

    Outbound outbound(Value value, Set<String> localDomains) {
        Outbound d = defaults.outbound();
        Optional<Section> found = value.section();
        if (found.isEmpty()) {
            return d;
        }
        Section section = found.get();
        section.allowOnly(OUTBOUND_KEYS);
        long port = section.get("port").flatMap(v -> v.integer(1, 65_535, "port must be between 1 and 65535"))
                .orElse((long) d.port());
        TlsPolicy tls = section.get("tls").flatMap(v -> v.parsed(TlsPolicy::parseDefault)).orElse(d.tls());
        Map<String, TlsPolicy> tlsPolicy = section.get("tls_policy").map(v -> tlsPolicy(v, localDomains))
                .orElse(d.tlsPolicy());
        Optional<Value> caValue = section.get("ca_file");
        Optional<Path> caFile = caValue.isPresent() ? caValue.flatMap(this::existingFile) : d.caFile();
        boolean mtaSts = section.get("mta_sts").flatMap(Value::bool).orElse(d.mtaSts());
        Optional<Value> cacheValue = section.get("mta_sts_cache");
        Optional<Path> cache = cacheValue.isPresent() ? cacheValue.flatMap(v -> v.file(folder)) : d.mtaStsCache();
        Optional<Value> bindValue = section.get("bind_address");
        Optional<InetAddress> bind = bindValue.isPresent() ? bindValue.flatMap(v -> v.parsed(IpLiteral::parse))
                : d.bindAddress();
        return TimeoutsReader.read(section, new Outbound((int) port, tls, tlsPolicy, caFile, mtaSts, cache,
                ClientTimeouts.RFC_5321, bind));
    }

    /** The TLS policies of single domains, by lower-case domain; a local domain has none (its mail stays here). */
    private static Map<String, TlsPolicy> tlsPolicy(Value value, Set<String> localDomains) {
        Map<String, TlsPolicy> policies = new LinkedHashMap<>();
        value.section().ifPresent(section -> section.domainKeyed().forEach((name, field) -> {
            if (localDomains.contains(name)) {
                field.key().problem(name + " is a local domain: its mail is not sent over SMTP");
            } else {
                field.value().parsed(TlsPolicy::parse).ifPresent(policy -> policies.put(name, policy));
            }
        }));
        return policies;
    }

    /** A file that must exist when the configuration is loaded; its content is read by the code that uses it. */
    private Optional<Path> existingFile(Value value) {
        Optional<Path> found = value.file(folder);
        if (found.isPresent() && !Files.isRegularFile(found.get())) {
            value.problem((Files.exists(found.get()) ? "not a file: " : "no such file: ") + found.get());
            return Optional.empty();
        }
        return found;
    }

    /** The value of {@code key} as {@code read} reads it if it is written (empty after a problem), else the default. */
    private static <T> Optional<T> written(Section section, String key, Function<Value, Optional<T>> read,
                                           T fallback) {
        Optional<Value> value = section.get(key);
        return value.isPresent() ? value.flatMap(read) : Optional.of(fallback);
    }

    private static Optional<Duration> duration(Value value) {
        return value.parsed(DurationLiteral::parse);
    }
}
