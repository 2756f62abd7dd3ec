package dev.posthorn.mailauth.dkim;

import dev.posthorn.mailauth.dns.Answer;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A key record (RFC 6376 3.6.1): the public key a signature is checked with, and what its publisher allows it for.
 *
 * @param key    the public key
 * @param strict whether {@code t=s} forbids {@code i=} in a subdomain of {@code d=}
 */
public record KeyRecord(PublicKey key, boolean strict) {

    /** RFC 8301 3.2: verifiers must not accept smaller RSA keys. */
    static final int MIN_RSA_BITS = 1024;
    /** Larger keys cost verification time out of proportion and no one publishes them. */
    static final int MAX_RSA_BITS = 8192;

    /** DER of the SubjectPublicKeyInfo of an Ed25519 key, before the 32 key octets (RFC 8410 4). */
    private static final byte[] ED25519_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21,
        0x00};
    /** DER of the AlgorithmIdentifier rsaEncryption with NULL parameters (RFC 3279 2.3.1). */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    /**
     * The one key record at {@code selector._domainkey.domain} for {@code algorithm} (RFC 6376 3.6.2.2), asked of
     * {@code keys} once per name: {@code answers} keeps what each name gave, for the other signatures of a message.
     *
     * @throws Refusal TEMPERROR when the lookup failed for now, PERMERROR when there is no usable single record
     */
    public static KeyRecord fetch(KeyLookup keys, String selector, String domain, Algorithm algorithm,
                                  Map<String, Answer<String>> answers) throws Refusal {
        String name = selector + "._domainkey." + domain;
        Answer<String> answer = answers.computeIfAbsent(name, keys::lookup);
        return switch (answer) {
            case Answer.Failed<String> failed ->
                    throw new Refusal(DkimResult.Status.TEMPERROR, "key lookup failed: " + failed.reason());
            case Answer.NoSuchName<String> none -> throw Refusal.permanent("no key record at " + name);
            case Answer.NoData<String> none -> throw Refusal.permanent("no key record at " + name);
            case Answer.Found<String> found when found.records().size() != 1 ->
                    throw Refusal.permanent(found.records().size() + " key records at " + name);
            case Answer.Found<String> found -> parse(found.records().getFirst(), algorithm);
        };
    }

    /**
     * Reads the record for a signature made with {@code algorithm}.
     *
     * @throws Refusal PERMERROR when the record is malformed, revoked, for another algorithm, hash or service
     */
    static KeyRecord parse(String text, Algorithm algorithm) throws Refusal {
        TagList tags;
        try {
            tags = TagList.parse(text);
        } catch (IllegalArgumentException e) {
            throw Refusal.permanent("key record: " + e.getMessage());
        }
        Optional<String> version = tags.get("v");
        if (version.isPresent() && (!version.get().equals("DKIM1") || !tags.tags().keySet().iterator().next()
                .equals("v"))) {
            throw Refusal.permanent("key record: not v=DKIM1 first");
        }
        if (tags.get("h").isPresent() && !colonList(tags.get("h").get()).contains("sha256")) {
            throw Refusal.permanent("key record does not allow sha256");
        }
        String type = tags.get("k").orElse("rsa");
        if (!type.equals("rsa") && !type.equals("ed25519")) {
            throw Refusal.permanent("key record: unknown key type k=" + type);
        }
        if (!type.equals(algorithm.keyType())) {
            throw Refusal.permanent("key record is for k=" + type + ", not " + algorithm.tagValue());
        }
        List<String> services = colonList(tags.get("s").orElse("*"));
        if (!services.contains("*") && !services.contains("email")) {
            throw Refusal.permanent("key record is not for email");
        }
        String p = TagList.withoutSpace(tags.get("p").orElseThrow(() -> Refusal.permanent("key record has no p=")));
        if (p.isEmpty()) {
            throw Refusal.permanent("key revoked");
        }
        byte[] der;
        try {
            der = java.util.Base64.getDecoder().decode(p);
        } catch (IllegalArgumentException e) {
            throw Refusal.permanent("key record: p= is not base64");
        }
        boolean strict = colonList(tags.get("t").orElse("")).contains("s");
        return new KeyRecord(algorithm == Algorithm.RSA_SHA256 ? rsa(der) : ed25519(der), strict);
    }

    private static List<String> colonList(String value) {
        return Arrays.stream(value.split(":")).map(TagList::trimSpace).toList();
    }

    private static PublicKey ed25519(byte[] raw) throws Refusal {
        if (raw.length != 32) {
            throw Refusal.permanent("key record: an Ed25519 key is 32 octets");
        }
        byte[] der = Arrays.copyOf(ED25519_PREFIX, ED25519_PREFIX.length + 32);
        System.arraycopy(raw, 0, der, ED25519_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw Refusal.permanent("key record: not an Ed25519 key");
        }
    }

    /**
     * RFC 6376 3.6.1 says RSAPublicKey, but nearly everyone publishes a SubjectPublicKeyInfo (what OpenSSL writes);
     * both are taken.
     */
    private static PublicKey rsa(byte[] der) throws Refusal {
        RSAPublicKey key;
        try {
            key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            try {
                key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                        .generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo(der)));
            } catch (GeneralSecurityException | ClassCastException again) {
                throw Refusal.permanent("key record: not an RSA key");
            }
        }
        int bits = key.getModulus().bitLength();
        if (bits < MIN_RSA_BITS) {
            throw Refusal.permanent("RSA key of " + bits + " bits is too small (RFC 8301)");
        }
        if (bits > MAX_RSA_BITS) {
            throw Refusal.permanent("RSA key of " + bits + " bits is too large");
        }
        return key;
    }

    /** Wraps a PKCS#1 RSAPublicKey into a SubjectPublicKeyInfo. */
    private static byte[] subjectPublicKeyInfo(byte[] rsaPublicKey) {
        ByteArrayOutputStream bitString = new ByteArrayOutputStream();
        bitString.write(0); // no unused bits
        bitString.writeBytes(rsaPublicKey);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(der(0x03, bitString.toByteArray()));
        return der(0x30, body.toByteArray());
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xff);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8 & 0xff);
            out.write(n & 0xff);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** The key record to publish for {@code key} (for {@code posthorn dkim keygen}). */
    public static String of(PublicKey key) {
        Algorithm algorithm = Algorithm.of(key).orElseThrow(() -> new IllegalArgumentException(
                "not an RSA or Ed25519 key"));
        byte[] der = key.getEncoded();
        byte[] p = algorithm == Algorithm.ED25519_SHA256
                ? Arrays.copyOfRange(der, der.length - 32, der.length) : der;
        return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + java.util.Base64.getEncoder().encodeToString(p);
    }
}
