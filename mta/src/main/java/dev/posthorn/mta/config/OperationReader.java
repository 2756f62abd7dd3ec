package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.mta.routing.IpLiteral;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads the sections about operating the daemon: {@code admin} and {@code log}. */
final class OperationReader {

    static final List<String> ADMIN_KEYS = List.of("listen", "token_file");
    static final List<String> LOG_KEYS = List.of("format");

    private final Path folder;
    private final Config defaults;

    OperationReader(Path folder, Config defaults) {
        this.folder = folder;
        this.defaults = defaults;
    }

    Admin admin(Value value) {
        Admin d = defaults.admin();
        Optional<Section> found = value.section();
        if (found.isEmpty()) {
            return d;
        }
        Section section = found.get();
        section.allowOnly(ADMIN_KEYS);
        Optional<InetSocketAddress> listen = d.listen();
        Optional<Value> written = section.get("listen");
        if (written.isPresent()) {
            Optional<Optional<InetSocketAddress>> parsed = written.get().parsed(OperationReader::listen);
            if (parsed.isPresent()) {
                listen = parsed.get();
            }
        }
        Optional<Path> tokenFile = section.get("token_file").isPresent()
                ? section.get("token_file").flatMap(v -> v.file(folder)) : d.tokenFile();
        return new Admin(listen, tokenFile);
    }

    /** {@code none}, or an IP literal and a port: the admin API is never exposed by a host name's resolution. */
    private static Optional<InetSocketAddress> listen(String text) {
        if (text.toLowerCase(Locale.ROOT).equals("none")) {
            return Optional.empty();
        }
        HostPort hostPort = HostPort.parse(text);
        if (!IpLiteral.looksNumeric(hostPort.host())) {
            throw new IllegalArgumentException("expected an IP address and a port, or none, got " + text);
        }
        return Optional.of(new InetSocketAddress(IpLiteral.parse(hostPort.host()), hostPort.port()));
    }

    Logging log(Value value) {
        Logging d = defaults.log();
        Optional<Section> found = value.section();
        if (found.isEmpty()) {
            return d;
        }
        Section section = found.get();
        section.allowOnly(LOG_KEYS);
        Logging.Format format = section.get("format").flatMap(v -> v.parsed(text -> switch (text) {
            case "text" -> Logging.Format.TEXT;
            case "json" -> Logging.Format.JSON;
            default -> throw new IllegalArgumentException("expected text or json, got " + text);
        })).orElse(d.format());
        return new Logging(format);
    }
}
