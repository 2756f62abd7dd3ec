package dev.posthorn.mta.config;

import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mta.routing.Names;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the {@code dkim} section. Unlike the rest of the file's paths, key files are read here: a key that cannot
 * be read or is no RSA or Ed25519 key is a problem at its line, found by {@code config check}, not a surprise at
 * the first message.
 */
final class DkimReader {

    static final List<String> KEYS = List.of("sign", "headers", "oversign", "expiration", "arc");
    static final List<String> ARC_KEYS = List.of("seal");
    static final List<String> KEY_KEYS = List.of("selector", "key");
    /** RFC 5322 3.6.8 field names: printable ASCII but the colon. */
    private static final Pattern FIELD_NAME = Pattern.compile("[\\x21-\\x39\\x3b-\\x7e]+");

    private final Path folder;
    private final Dkim defaults;

    DkimReader(Path folder, Dkim defaults) {
        this.folder = folder;
        this.defaults = defaults;
    }

    Dkim read(Value value) {
        Optional<Section> found = value.section();
        if (found.isEmpty()) {
            return defaults;
        }
        Section section = found.get();
        section.allowOnly(KEYS);
        Map<String, List<Dkim.Key>> sign = section.get("sign").map(this::sign).orElse(defaults.sign());
        List<String> headers = section.get("headers").map(this::names).orElse(defaults.headers());
        if (section.get("headers").isPresent() && headers.stream().noneMatch(h -> h.equalsIgnoreCase("From"))) {
            section.get("headers").get().problem("must contain From (RFC 6376 5.4: From is always signed)");
            headers = defaults.headers();
        }
        List<String> oversign = section.get("oversign").map(this::names).orElse(defaults.oversign());
        Optional<Duration> expiration = section.get("expiration").isPresent()
                ? section.get("expiration").flatMap(v -> v.parsed(DurationLiteral::parse)) : defaults.expiration();
        boolean arcSeal = section.get("arc").map(this::arcSeal).orElse(defaults.arcSeal());
        return value.problems().isEmpty() ? new Dkim(sign, headers, oversign, expiration, arcSeal) : defaults;
    }

    /** {@code arc: { seal: true }}. */
    private boolean arcSeal(Value value) {
        Optional<Section> section = value.section();
        section.ifPresent(s -> s.allowOnly(ARC_KEYS));
        return section.flatMap(s -> s.get("seal")).flatMap(Value::bool).orElse(false);
    }

    private Map<String, List<Dkim.Key>> sign(Value value) {
        Map<String, List<Dkim.Key>> sign = new LinkedHashMap<>();
        value.section().ifPresent(section -> section.domainKeyed().forEach((domain, field) -> {
            List<Dkim.Key> keys = new ArrayList<>();
            List<Value> items = field.value().list().orElse(List.of());
            if (field.value().isList() && items.isEmpty()) {
                field.value().problem("at least one key is needed");
            }
            for (Value item : items) {
                key(item).ifPresent(key -> {
                    if (keys.stream().anyMatch(k -> k.selector().equalsIgnoreCase(key.selector()))) {
                        item.problem("selector " + key.selector() + " listed twice for " + domain);
                    } else {
                        keys.add(key);
                    }
                });
            }
            if (!keys.isEmpty()) {
                sign.put(domain, keys);
            }
        }));
        return sign;
    }

    private Optional<Dkim.Key> key(Value item) {
        return item.section().flatMap(section -> {
            section.allowOnly(KEY_KEYS);
            Optional<String> selector = section.require("selector").flatMap(v -> v.parsed(text -> {
                Names.domainProblem(text).ifPresent(reason -> {
                    throw new IllegalArgumentException("not a selector: " + reason);
                });
                return text.toLowerCase(Locale.ROOT);
            }));
            Optional<Value> keyValue = section.require("key");
            Optional<Path> file = keyValue.flatMap(v -> v.file(folder));
            Optional<PrivateKey> key = file.flatMap(path -> privateKey(keyValue.get(), path));
            return selector.isPresent() && key.isPresent()
                    ? Optional.of(new Dkim.Key(selector.get(), file.get(), key.get())) : Optional.empty();
        });
    }

    private static Optional<PrivateKey> privateKey(Value value, Path file) {
        try {
            PrivateKey key = KeyFile.read(file);
            value.warnIfReadableByOthers(file);
            if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < KeyFile.RSA_BITS) {
                value.warning("RSA key of " + rsa.getModulus().bitLength() + " bits; " + KeyFile.RSA_BITS
                        + " are recommended (RFC 8301 3.2)");
            }
            return Optional.of(key);
        } catch (IOException e) {
            value.problem("cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            value.problem(file + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    private List<String> names(Value value) {
        List<String> names = new ArrayList<>();
        for (Value item : value.list().orElse(List.of())) {
            item.string().ifPresent(name -> {
                if (!FIELD_NAME.matcher(name).matches()) {
                    item.problem("not a header field name: " + name);
                } else if (names.stream().anyMatch(name::equalsIgnoreCase)) {
                    item.problem(name + " listed twice");
                } else {
                    names.add(name);
                }
            });
        }
        return names;
    }
}
