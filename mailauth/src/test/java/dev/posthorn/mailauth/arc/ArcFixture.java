package dev.posthorn.mailauth.arc;

import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mailauth.dkim.KeyLookup;
import dev.posthorn.mailauth.dkim.KeyRecord;
import dev.posthorn.mailauth.dkim.SigningKey;
import dev.posthorn.mailauth.dns.Answer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Keys, a key lookup and a message for the ARC tests; keys are made once (an RSA pair takes a moment). */
final class ArcFixture {

    static final Clock NOW = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    static final KeyPair RSA = generate("rsa");
    static final KeyPair ED25519 = generate("ed25519");

    static final String MESSAGE = """
            Received: from client.example.com by mx.forwarder.test; Sun, 1 Mar 2026 12:00:00 +0000\r
            From: Alice <alice@example.com>\r
            To: list@forwarder.test\r
            Subject: Minutes of the meeting\r
            Date: Sun, 1 Mar 2026 11:59:00 +0000\r
            Message-ID: <minutes-1@example.com>\r
            \r
            The minutes are attached.\r
            Nothing else happened.\r
            """;

    private ArcFixture() {
    }

    private static KeyPair generate(String algorithm) {
        try {
            return KeyFile.generate(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serves the RSA key as rsa._domainkey of the given domains and the Ed25519 one as ed; nothing else. */
    static KeyLookup keys(String... domains) {
        Map<String, String> records = new java.util.HashMap<>();
        for (String domain : domains) {
            records.put("rsa._domainkey." + domain, KeyRecord.of(RSA.getPublic()));
            records.put("ed._domainkey." + domain, KeyRecord.of(ED25519.getPublic()));
        }
        return name -> records.containsKey(name) ? new Answer.Found<>(List.of(records.get(name)))
                : new Answer.NoSuchName<>();
    }

    static SigningKey rsa() {
        return new SigningKey("rsa", RSA.getPrivate());
    }

    static SigningKey ed25519() {
        return new SigningKey("ed", ED25519.getPrivate());
    }

    /** {@code message} with one more ARC set by {@code domain}, its chain verified with {@code keys} first. */
    static String seal(String message, String domain, SigningKey key, KeyLookup keys)
            throws IOException, GeneralSecurityException {
        ArcResult chain = verify(message, keys);
        String results = "mx." + domain + "; arc=" + chain.status().keyword() + "; spf=pass smtp.mailfrom=example.com";
        return new ArcSealer(NOW).seal(stream(message), domain, key, results, chain.status()) + message;
    }

    static ArcResult verify(String message, KeyLookup keys) throws IOException {
        return new ArcVerifier(keys, NOW).verify(stream(message));
    }

    static ByteArrayInputStream stream(String message) {
        return new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1));
    }
}
