package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mailauth.dkim.DkimResult;
import dev.posthorn.mailauth.dkim.DkimSigner;
import dev.posthorn.mailauth.dkim.DkimVerifier;
import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dkim;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.smtp.testing.DnsResponder;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DKIM signing in the daemon: mail submitted with AUTH arrives in the Maildir with an RSA and an Ed25519
 * signature that the verifier accepts with the keys served by a DNS responder; mail from an untrusted client on
 * the MX listener is not signed.
 */
class DkimSigningTest {

    private static final KeyPair RSA = generate("rsa");
    private static final KeyPair ED25519 = generate("ed25519");

    @TempDir
    Path dir;

    private static KeyPair generate(String algorithm) {
        try {
            return KeyFile.generate(algorithm);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Dkim dkim() {
        return new Dkim(Map.of("posthorn.test", List.of(
                new Dkim.Key("s2026", Path.of("rsa.pem"), RSA.getPrivate()),
                new Dkim.Key("ed2026", Path.of("ed.pem"), ED25519.getPrivate()))),
                DkimSigner.DEFAULT_HEADERS, DkimSigner.DEFAULT_OVERSIGNED, Optional.of(Duration.ofDays(1)));
    }

    /** The conformance setup with one submission listener (STARTTLS and AUTH required) and DKIM keys. */
    private Config submission() throws Exception {
        Config c = TestConfigs.conformance(dir);
        return new Config(c.hostname(), c.spool(),
                List.of(new Listener(InetAddress.getLoopbackAddress(), 0, Listener.Role.SUBMISSION)), c.tls(),
                c.trustedNetworks(), c.limits(), c.domains(), c.usersFile(), c.dns(), c.queue(), c.relay(), c.routes(),
                c.outbound()).withDkim(dkim());
    }

    private static void send(Daemon daemon, boolean auth, String from) throws Exception {
        Properties p = TestMail.session(daemon.addresses().getFirst());
        if (auth) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.trust", "*"); // the self-signed certificate the daemon made
            p.put("mail.smtp.ssl.checkserveridentity", "false");
            p.put("mail.smtp.auth", "true");
        }
        MimeMessage message = TestMail.message(p, from, "bob@posthorn.test", "signed? " + auth,
                "Hello Bob,\r\n\r\nthis line ends in spaces   \r\n\r\n\r\n");
        if (auth) {
            Transport.send(message, "alice", "wonderland");
        } else {
            Transport.send(message);
        }
    }

    private List<String> bob() throws Exception {
        return Maildirs.messages(dir.resolve("mail").resolve("bob"));
    }

    /** The DNS strings of a key record: at most 255 octets each (RFC 1035 3.3.14). */
    private static String[] strings(KeyPair pair) {
        String record = KeyFile.dnsRecord("posthorn.test", "x", pair.getPublic());
        String text = KeyFile.parseDnsRecord(record).text();
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            strings.add(text.substring(i, Math.min(text.length(), i + 255)));
        }
        return strings.toArray(String[]::new);
    }

    @Test
    void submittedMailIsSignedWithBothKeysAndVerifiesWithKeysFromDns() throws Exception {
        try (Daemon daemon = Daemon.start(submission())) {
            send(daemon, true, "alice@posthorn.test");
            await().atMost(Duration.ofSeconds(10)).until(() -> bob().size() == 1);
        }
        String delivered = bob().getFirst();
        assertThat(delivered).contains("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=posthorn.test;")
                .contains("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=posthorn.test;");
        // Maildir keeps lines with LF; the message on the wire had CRLF.
        byte[] wire = delivered.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        try (DnsResponder dns = DnsResponder.builder().zone("posthorn.test")
                .txt("s2026._domainkey.posthorn.test", strings(RSA))
                .txt("ed2026._domainkey.posthorn.test", strings(ED25519)).start()) {
            DnsClient records = DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(2));
            List<DkimResult> results = new DkimVerifier(records::txt, Clock.systemUTC())
                    .verify(new ByteArrayInputStream(wire));
            assertThat(results).extracting(DkimResult::status, DkimResult::domain, DkimResult::selector)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(DkimResult.Status.PASS, "posthorn.test", "s2026"),
                            org.assertj.core.groups.Tuple.tuple(DkimResult.Status.PASS, "posthorn.test", "ed2026"));
            assertThat(dns.queryCount("s2026._domainkey.posthorn.test")).isEqualTo(1);
        }
    }

    @Test
    void mailFromAnUntrustedClientOnTheMxListenerIsNotSigned() throws Exception {
        try (Daemon daemon = Daemon.start(TestConfigs.conformance(dir).withDkim(dkim()))) {
            send(daemon, false, "someone@posthorn.test");
            await().atMost(Duration.ofSeconds(10)).until(() -> bob().size() == 1);
        }
        assertThat(bob().getFirst()).doesNotContain("DKIM-Signature");
    }
}
