package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.Names;
import dev.posthorn.smtp.server.Stress;
import dev.posthorn.smtp.server.Tarpit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the sections that guard against abusive clients and users: {@code limits.per_ip}, {@code limits.stress},
 * {@code tarpit},
 * {@code dnsbl} and {@code senders}. A key missing from a section takes its value from the defaults.
 */
final class AbuseReader {

    static final List<String> PER_IP_KEYS = List.of("connection_rate", "messages", "recipients");
    static final List<String> TARPIT_KEYS = List.of("after_errors", "delay", "max_delay");
    static final List<String> STRESS_KEYS = List.of("begin_percent", "command_timeout", "data_timeout");
    static final List<String> DNSBL_KEYS = List.of("zones", "action", "timeout");

    private final Config defaults;

    AbuseReader(Config defaults) {
        this.defaults = defaults;
    }

    PerIp perIp(Value value) {
        PerIp d = defaults.limits().perIp();
        return value.section(PER_IP_KEYS).map(section -> new PerIp(rate(section, "connection_rate",
                d.connectionRate()), rate(section, "messages", d.messages()), rate(section, "recipients",
                d.recipients()))).orElse(d);
    }

    private static Rate rate(Section section, String key, Rate fallback) {
        return section.get(key).flatMap(v -> v.parsed(Rate::parse)).orElse(fallback);
    }

    Stress stress(Value value) {
        Stress d = defaults.limits().stress();
        return value.section(STRESS_KEYS).map(section -> {
            long percent = section.get("begin_percent")
                    .flatMap(v -> v.integer(0, 100, "must be between 0 (off) and 100")).orElse((long) d.percent());
            Duration command = section.get("command_timeout").flatMap(AbuseReader::duration)
                    .orElse(d.commandTimeout());
            Duration data = section.get("data_timeout").flatMap(AbuseReader::duration).orElse(d.dataTimeout());
            return new Stress((int) percent, command, data);
        }).orElse(d);
    }

    Tarpit tarpit(Value value) {
        return value.section(TARPIT_KEYS).map(this::tarpit).orElse(defaults.tarpit());
    }

    private Tarpit tarpit(Section section) {
        Tarpit d = defaults.tarpit();
        long after = section.get("after_errors").flatMap(v -> v.integer(0, 1000, "must be between 0 (off) and 1000"))
                .orElse((long) d.afterErrors());
        Duration delay = section.get("delay").flatMap(AbuseReader::duration).orElse(d.delay());
        Optional<Value> maxValue = section.get("max_delay");
        Duration max = maxValue.flatMap(AbuseReader::duration).orElse(d.maxDelay());
        if (max.compareTo(Tarpit.MAX_DELAY) > 0) {
            maxValue.orElse(section.self()).problem("max_delay must be at most " + DurationLiteral.format(
                    Tarpit.MAX_DELAY) + " (clients wait at most 5 minutes for a reply, RFC 5321 4.5.3.2)");
            return d;
        }
        if (max.compareTo(delay) < 0) {
            maxValue.orElse(section.self()).problem("max_delay (" + DurationLiteral.format(max)
                    + ") is shorter than delay (" + DurationLiteral.format(delay) + ")");
            return d;
        }
        return after == 0 ? Tarpit.OFF : new Tarpit((int) after, delay, max);
    }

    Dnsbl dnsbl(Value value) {
        return value.section(DNSBL_KEYS).map(this::dnsbl).orElse(defaults.dnsbl());
    }

    private Dnsbl dnsbl(Section section) {
        Dnsbl d = defaults.dnsbl();
        List<String> zones = section.get("zones").map(AbuseReader::zones).orElse(d.zones());
        Dnsbl.Action action = section.get("action").flatMap(v -> v.parsed(name -> switch (name) {
            case "reject" -> Dnsbl.Action.REJECT;
            case "log" -> Dnsbl.Action.LOG;
            default -> throw new IllegalArgumentException("expected reject or log, got " + name);
        })).orElse(d.action());
        Duration timeout = section.get("timeout").flatMap(AbuseReader::duration).orElse(d.timeout());
        return new Dnsbl(zones, action, timeout);
    }

    private static List<String> zones(Value value) {
        List<String> zones = new ArrayList<>();
        List<Value> items = value.list().orElse(List.of());
        for (Value item : items) {
            item.parsed(text -> {
                Names.domainProblem(text).ifPresent(reason -> {
                    throw new IllegalArgumentException(reason + ": " + text);
                });
                return text.toLowerCase(Locale.ROOT);
            }).ifPresent(zone -> {
                int first = zones.indexOf(zone);
                if (first >= 0) {
                    item.problem(zone + " listed twice (first at " + items.get(first).path() + ")");
                } else {
                    zones.add(zone);
                }
            });
        }
        return zones;
    }

    Senders senders(Value value) {
        Optional<Section> found = value.section();
        if (found.isEmpty()) {
            return defaults.senders();
        }
        Map<String, List<String>> byUser = new LinkedHashMap<>();
        Map<String, Section.Field> seen = new LinkedHashMap<>();
        for (Section.Field field : found.get().fields()) {
            String user = field.name().toLowerCase(Locale.ROOT);
            Optional<String> problem = Senders.userProblem(field.name());
            if (problem.isPresent()) {
                field.key().problem(problem.get());
            } else if (seen.containsKey(user)) {
                field.key().problem("user listed twice (first at line " + Section.line(seen.get(user).key()) + ")");
            } else {
                seen.put(user, field);
                byUser.put(user, entries(field.value()));
            }
        }
        return new Senders(byUser);
    }

    private static List<String> entries(Value value) {
        List<String> entries = new ArrayList<>();
        for (Value item : value.list().orElse(List.of())) {
            item.parsed(text -> {
                Senders.entryProblem(text).ifPresent(reason -> {
                    throw new IllegalArgumentException(reason + ": " + text);
                });
                return text.toLowerCase(Locale.ROOT);
            }).ifPresent(entry -> {
                if (entries.contains(entry)) {
                    item.problem(entry + " listed twice");
                } else {
                    entries.add(entry);
                }
            });
        }
        return entries;
    }

    private static Optional<Duration> duration(Value value) {
        return value.parsed(DurationLiteral::parse);
    }
}
