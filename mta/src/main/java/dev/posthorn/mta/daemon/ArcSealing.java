package dev.posthorn.mta.daemon;

import dev.posthorn.mailauth.arc.ArcResult;
import dev.posthorn.mailauth.arc.ArcSealer;
import dev.posthorn.mailauth.dkim.FromDomain;
import dev.posthorn.mailauth.dkim.HeaderSection;
import dev.posthorn.mailauth.dkim.SigningKey;
import dev.posthorn.mta.config.Dkim;
import dev.posthorn.mta.inbound.DkimVerification.MessageSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which forwarded mail gets an ARC set, and with whose key (RFC 8617 5.1): when {@code dkim.arc.seal} is on, the
 * first RSA key of the forwarding domain (ARC knows rsa-sha256 only, RFC 8617 4.1.3 and 4.1.2 via RFC 6376), that
 * domain being the alias's for an alias that points out, the author's (or its nearest parent with a key, as DKIM
 * signs) for a relay. A domain without an RSA key seals nothing.
 */
final class ArcSealing {

    /** Sealing off, or no key to seal with. */
    static final ArcSealing OFF = new ArcSealing(Map.of(), "", Clock.systemUTC());

    private final Map<String, SigningKey> keys;
    private final String authservId;
    private final ArcSealer sealer;

    private ArcSealing(Map<String, SigningKey> keys, String authservId, Clock clock) {
        this.keys = Map.copyOf(keys);
        this.authservId = authservId;
        this.sealer = new ArcSealer(clock);
    }

    static ArcSealing of(Dkim dkim, String authservId, Clock clock) {
        if (!dkim.arcSeal()) {
            return OFF;
        }
        Map<String, SigningKey> keys = new LinkedHashMap<>();
        dkim.sign().forEach((domain, list) -> list.stream().filter(k -> k.privateKey() instanceof RSAKey).findFirst()
                .ifPresent(k -> keys.put(domain, new SigningKey(k.selector(), k.privateKey()))));
        return new ArcSealing(keys, authservId, clock);
    }

    boolean enabled() {
        return !keys.isEmpty();
    }

    /**
     * The ARC set for {@code message}, or an empty string when no domain of it has a key or the chain cannot go on.
     *
     * @param forwarder the alias's domain, for mail an alias sends on; empty for a relay (the author's domain)
     * @param results   the value of this server's Authentication-Results for the message; empty when no check ran
     * @param chain     the chain status the inbound checks found; none when they did not run
     */
    String seal(MessageSource message, Optional<String> forwarder, Optional<String> results, ArcResult.Status chain)
            throws IOException, GeneralSecurityException {
        Optional<String> domain = forwarder.isPresent() ? nearest(forwarder.get()) : author(message);
        if (domain.isEmpty()) {
            return "";
        }
        String text = results.orElse(authservId + "; none");
        try (InputStream in = message.open()) {
            return sealer.seal(in, domain.get(), keys.get(domain.get()), text, chain);
        }
    }

    private Optional<String> author(MessageSource message) throws IOException {
        try (InputStream in = new BufferedInputStream(message.open(), 64 * 1024)) {
            return FromDomain.of(HeaderSection.read(in)).flatMap(this::nearest);
        }
    }

    /** The domain or its nearest parent with a key. */
    private Optional<String> nearest(String domain) {
        for (String d = domain; d != null; d = d.indexOf('.') < 0 ? null : d.substring(d.indexOf('.') + 1)) {
            if (keys.containsKey(d)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
