package dev.posthorn.mailauth.dkim;

import dev.posthorn.mailauth.dns.Answer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;

/** Key pairs for the DKIM tests, made once (an RSA pair takes a moment), and lookups that serve their records. */
final class Keys {

    static final KeyPair RSA = generate("rsa");
    static final KeyPair ED25519 = generate("ed25519");

    private Keys() {
    }

    private static KeyPair generate(String algorithm) {
        try {
            return KeyFile.generate(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key record of {@code pair}, as DNS would give it. */
    static String record(KeyPair pair) {
        return KeyRecord.of(pair.getPublic());
    }

    /** A lookup that knows the given names (selector._domainkey.domain) and nothing else. */
    static KeyLookup serving(Map<String, String> records) {
        return name -> records.containsKey(name) ? new Answer.Found<>(List.of(records.get(name)))
                : new Answer.NoSuchName<>();
    }
}
