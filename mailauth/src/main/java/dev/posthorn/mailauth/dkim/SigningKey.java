package dev.posthorn.mailauth.dkim;

import java.security.PrivateKey;
import java.util.Objects;

/**
 * A private key to sign a domain's mail with, and the selector under which its public key is published.
 *
 * @param selector the selector ({@code s=}): the key record is at {@code selector._domainkey.domain}
 * @param key      an RSA key of at least 1024 bits or an Ed25519 key
 */
public record SigningKey(String selector, PrivateKey key) {

    public SigningKey {
        Objects.requireNonNull(key, "key");
        if (selector == null || !SignatureField.isDomain(selector)) {
            throw new IllegalArgumentException("not a selector: " + selector);
        }
        if (Algorithm.of(key).isEmpty()) {
            throw new IllegalArgumentException("not an RSA or Ed25519 key");
        }
    }

    /** The value of {@code a=} this key signs with: {@code rsa-sha256} or {@code ed25519-sha256}. */
    public String algorithm() {
        return Algorithm.of(key).orElseThrow().tagValue();
    }
}
