package dev.posthorn.mailauth.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Optional;

/**
 * The signing algorithms Posthorn signs and verifies with: rsa-sha256 (RFC 6376 3.3.2) and ed25519-sha256 (RFC 8463).
 * rsa-sha1 is neither made nor accepted (RFC 8301 3.1). Both run on the JDK's own providers.
 */
public enum Algorithm {
    RSA_SHA256("rsa-sha256", "rsa", "RSA"),
    ED25519_SHA256("ed25519-sha256", "ed25519", "EdDSA");

    private final String tagValue;
    private final String keyType;
    private final String jcaKeyAlgorithm;

    Algorithm(String tagValue, String keyType, String jcaKeyAlgorithm) {
        this.tagValue = tagValue;
        this.keyType = keyType;
        this.jcaKeyAlgorithm = jcaKeyAlgorithm;
    }

    /** The value of {@code a=}. */
    public String tagValue() {
        return tagValue;
    }

    /** The value of {@code k=} in a key record. */
    String keyType() {
        return keyType;
    }

    public static Optional<Algorithm> named(String value) {
        for (Algorithm algorithm : values()) {
            if (algorithm.tagValue.equals(value)) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    /** The algorithm a key signs with; empty for keys of other kinds (Ed448, EC, DSA). */
    public static Optional<Algorithm> of(java.security.Key key) {
        if (key instanceof java.security.interfaces.RSAKey) {
            return Optional.of(RSA_SHA256);
        }
        if (key instanceof java.security.interfaces.EdECKey ed && ed.getParams().getName().equals("Ed25519")) {
            return Optional.of(ED25519_SHA256);
        }
        return Optional.empty();
    }

    String jcaKeyAlgorithm() {
        return jcaKeyAlgorithm;
    }

    public byte[] sign(PrivateKey key, byte[] data) throws GeneralSecurityException {
        Signature signature = engine();
        signature.initSign(key);
        signature.update(input(data));
        return signature.sign();
    }

    public boolean verify(PublicKey key, byte[] data, byte[] signed) throws GeneralSecurityException {
        Signature signature = engine();
        signature.initVerify(key);
        signature.update(input(data));
        return signature.verify(signed);
    }

    private Signature engine() throws GeneralSecurityException {
        return Signature.getInstance(this == RSA_SHA256 ? "SHA256withRSA" : "Ed25519");
    }

    /** RFC 8463 3: Ed25519 signs the SHA-256 hash of the data (PureEdDSA over 32 octets); RSA hashes it itself. */
    private byte[] input(byte[] data) throws GeneralSecurityException {
        return this == ED25519_SHA256 ? MessageDigest.getInstance("SHA-256").digest(data) : data;
    }
}
