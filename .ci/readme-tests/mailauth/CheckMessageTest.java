package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posthorn.mailauth.dkim.DkimSigner;
import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mailauth.dkim.KeyRecord;
import dev.posthorn.mailauth.dkim.SigningKey;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mailauth.dns.DnsLookup;
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
import org.junit.jupiter.api.Test;

/** Runs the README's CheckMessage against a real DNS server that publishes SPF, a DKIM key and DMARC p=reject. */
class CheckMessageTest {

    private static final String MESSAGE = "From: Alice <alice@example.com>\r\nTo: bob@example.org\r\n"
            + "Subject: Lunch\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <lunch@example.com>\r\n\r\n"
            + "Noon?\r\n";

    @Test
    void signedMailPassesAndForgedMailIsRefused() throws Exception {
        KeyPair key = KeyFile.generate("ed25519");
        try (DnsResponder responder = DnsResponder.builder().zone("example.com")
                .txt("example.com", "v=spf1 ip4:127.0.0.1 -all")
                .txt("ed._domainkey.example.com", KeyRecord.of(key.getPublic()))
                .txt("_dmarc.example.com", "v=DMARC1; p=reject")
                .start()) {
            DnsLookup dns = DnsClient.plain(List.of(responder.address()), Duration.ofSeconds(3));
            DkimSigner signer = new DkimSigner(Map.of("example.com", List.of(new SigningKey("ed", key.getPrivate()))),
                    DkimSigner.DEFAULT_HEADERS, DkimSigner.DEFAULT_OVERSIGNED, Optional.empty(), Clock.systemUTC());
            byte[] unsigned = MESSAGE.getBytes(StandardCharsets.US_ASCII);
            byte[] signed = (signer.sign(new ByteArrayInputStream(unsigned)) + MESSAGE)
                    .getBytes(StandardCharsets.US_ASCII);

            String field = CheckMessage.check(dns, signed, InetAddress.getByName("127.0.0.1"), "mail.example.com",
                    "alice@example.com");
            assertTrue(field.startsWith("Authentication-Results: mx.example.org;\r\n\tspf=pass "), field);
            assertTrue(field.contains("\tdkim=pass header.d=example.com header.s=ed "), field);
            assertTrue(field.endsWith("\tdmarc=pass (p=reject dis=none) header.from=example.com\r\n"), field);

            assertEquals("550 5.7.1 rejected by the DMARC policy of example.com", CheckMessage.check(dns, unsigned,
                    InetAddress.getByName("127.0.0.9"), "mail.example.com", "alice@example.com"));
        }
    }
}
