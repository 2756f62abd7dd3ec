package dev.posthorn.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.arc.ArcResult;
import dev.posthorn.mailauth.arc.ArcSealer;
import dev.posthorn.mailauth.dkim.DkimResult;
import dev.posthorn.mailauth.dkim.DkimSigner;
import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mailauth.dkim.KeyRecord;
import dev.posthorn.mailauth.dkim.SigningKey;
import dev.posthorn.mailauth.dmarc.DmarcRecord;
import dev.posthorn.mailauth.dmarc.DmarcResult;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mailauth.spf.SpfResult;
import dev.posthorn.smtp.testing.DnsResponder;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * All checks on one message through the library's front door, against a real DNS server: the author's domain
 * publishes SPF, a DKIM key and a DMARC reject policy; a forwarder publishes an ARC key.
 */
class AuthenticatorTest {

    private static final String MESSAGE = """
            From: Alice <alice@example.com>\r
            To: bob@example.net\r
            Subject: Quarterly figures\r
            Date: Mon, 7 Dec 2026 10:00:00 +0000\r
            Message-ID: <figures-1@example.com>\r
            \r
            The figures are attached.\r
            """;

    private static KeyPair author;
    private static KeyPair forwarder;
    private static DnsResponder dns;
    private static Authenticator checks;

    @BeforeAll
    static void start() throws Exception {
        author = KeyFile.generate("ed25519");
        forwarder = KeyFile.generate("rsa");
        dns = DnsResponder.builder().zone("example.com").zone("forwarder.test")
                .txt("example.com", "v=spf1 ip4:127.0.0.1 -all")
                .txt("ed._domainkey.example.com", KeyRecord.of(author.getPublic()))
                .txt("_dmarc.example.com", "v=DMARC1; p=reject")
                .txt("arc._domainkey.forwarder.test", strings(KeyRecord.of(forwarder.getPublic())))
                .start();
        checks = new Authenticator(DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(3)));
    }

    /** A long record as the character strings of one TXT record (at most 255 octets each, RFC 1035 3.3.14). */
    private static String[] strings(String record) {
        return record.split("(?<=\\G.{255})");
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static String signed(String message) throws Exception {
        DkimSigner signer = new DkimSigner(Map.of("example.com", List.of(new SigningKey("ed", author.getPrivate()))),
                DkimSigner.DEFAULT_HEADERS, DkimSigner.DEFAULT_OVERSIGNED, Optional.empty(), Clock.systemUTC());
        return signer.sign(stream(message)) + message;
    }

    private static ByteArrayInputStream stream(String message) {
        return new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Authentication check(String client, String mailFrom, String message) throws Exception {
        return checks.check(InetAddress.getByName(client), "mail.example.com", mailFrom,
                message.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aSignedMessageFromAnAllowedClientPassesEveryCheck() throws Exception {
        Authentication result = check("127.0.0.1", "alice@example.com", signed(MESSAGE));

        assertThat(result.spf().result()).isEqualTo(SpfResult.PASS);
        assertThat(result.dkim()).extracting(DkimResult::status).containsExactly(DkimResult.Status.PASS);
        assertThat(result.arc()).isEqualTo(ArcResult.NONE);
        assertThat(result.dmarc().result()).isEqualTo(DmarcResult.PASS);
        assertThat(result.field("mx.example.net"))
                .startsWith("Authentication-Results: mx.example.net;\r\n\tspf=pass reason=\"example.com: 127.0.0.1 matched"
                        + " ip4\" smtp.mailfrom=alice@example.com;\r\n")
                .contains("\tdkim=pass header.d=example.com header.s=ed header.b=")
                .endsWith("\tdmarc=pass (p=reject dis=none) header.from=example.com\r\n")
                .doesNotContain("\tarc=");
    }

    @Test
    void aForgedMessageFailsAndTheAuthorsPolicySaysReject() throws Exception {
        String tampered = signed(MESSAGE).replace("attached", "in the link below");
        Authentication result = check("127.0.0.9", "alice@example.com", tampered);

        assertThat(result.spf().result()).isEqualTo(SpfResult.FAIL);
        assertThat(result.dkim()).extracting(DkimResult::status).containsExactly(DkimResult.Status.FAIL);
        assertThat(result.dmarc().result()).isEqualTo(DmarcResult.FAIL);
        assertThat(result.dmarc().disposition()).isEqualTo(DmarcRecord.Policy.REJECT);
        assertThat(result.field("mx.example.net")).contains("spf=fail").contains("dkim=fail")
                .contains("dmarc=fail (p=reject dis=reject)");
    }

    @Test
    void aNullReversePathIsCheckedOnItsHeloName() throws Exception {
        Authentication result = check("127.0.0.1", "", signed(MESSAGE));
        assertThat(result.field("mx.example.net")).contains("smtp.helo=mail.example.com");
        assertThat(result.dmarc().result()).isEqualTo(DmarcResult.PASS); // by DKIM
    }

    @Test
    void aForwarderThatChangedTheBodyIsVouchedForByItsArcSet() throws Exception {
        String arrived = signed(MESSAGE);
        String forwarded = arrived.replace("The figures are attached.\r\n",
                "The figures are attached.\r\n-- \r\nSent through the list\r\n");
        String results = "mx.forwarder.test; dkim=pass header.d=example.com; arc=none";
        // The seal covers the message as the forwarder sends it on, its footer included.
        String sealed = new ArcSealer(Clock.systemUTC()).seal(stream(forwarded), "forwarder.test",
                new SigningKey("arc", forwarder.getPrivate()), results, ArcResult.Status.NONE);

        Authentication result = check("127.0.0.9", "list@forwarder.test", sealed + forwarded);

        assertThat(result.dkim()).extracting(DkimResult::status).containsExactly(DkimResult.Status.FAIL);
        assertThat(result.arc().status()).isEqualTo(ArcResult.Status.PASS);
        assertThat(result.arc().domain()).isEqualTo("forwarder.test");
        assertThat(result.field("mx.example.net"))
                .contains("\tarc=pass (i=1 d=forwarder.test) header.oldest-pass=0 smtp.remote-ip=127.0.0.9;");
    }
}
