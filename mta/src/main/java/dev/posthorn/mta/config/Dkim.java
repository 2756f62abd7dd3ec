package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.Names;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * DKIM signing (RFC 6376) of the mail that authenticated users and trusted clients send.
 *
 * @param sign       the keys of each signing domain, by lower-case domain name, in the order written; a domain with
 *                   an RSA and an Ed25519 key is signed with both
 * @param headers    the header fields to sign, From among them
 * @param oversign   the fields signed once more than the message has them, so that none can be added
 * @param expiration how long signatures are valid ({@code x=}); empty for no limit
 * @param arcSeal    add an ARC set (RFC 8617) with the domain's RSA key to mail this server forwards: aliases that
 *                   point to other domains, and relays from trusted networks and authenticated users to remote
 *                   domains ({@code dkim: arc: seal:})
 */
public record Dkim(Map<String, List<Key>> sign, List<String> headers, List<String> oversign,
                   Optional<Duration> expiration, boolean arcSeal) {

    /** Without ARC sealing. */
    public Dkim(Map<String, List<Key>> sign, List<String> headers, List<String> oversign,
                Optional<Duration> expiration) {
        this(sign, headers, oversign, expiration, false);
    }

    /**
     * One key: read and checked when the configuration is loaded, so that a bad key stops the start.
     *
     * @param selector   the selector its public key is published under
     * @param file       the PEM file (PKCS#8), for printing the configuration
     * @param privateKey the key read from it
     */
    public record Key(String selector, Path file, PrivateKey privateKey) {
        public Key {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(privateKey, "privateKey");
            Names.domainProblem(selector).ifPresent(reason -> {
                throw new IllegalArgumentException("selector: " + reason + ": " + selector);
            });
        }
    }

    public Dkim {
        Map<String, List<Key>> copy = new LinkedHashMap<>();
        sign.forEach((domain, keys) -> {
            Names.domainProblem(domain).ifPresent(reason -> {
                throw new IllegalArgumentException("dkim.sign: " + reason + ": " + domain);
            });
            if (!domain.equals(domain.toLowerCase(Locale.ROOT)) || keys.isEmpty()) {
                throw new IllegalArgumentException("dkim.sign: " + domain + " must be lower case, with keys");
            }
            copy.put(domain, List.copyOf(keys));
        });
        sign = Collections.unmodifiableMap(copy);
        headers = List.copyOf(headers);
        oversign = List.copyOf(oversign);
        Objects.requireNonNull(expiration, "expiration");
        if (headers.stream().noneMatch(h -> h.equalsIgnoreCase("From"))) {
            throw new IllegalArgumentException("dkim.headers must contain From (RFC 6376 5.4)");
        }
    }
}
