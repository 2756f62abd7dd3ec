package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mailauth.arc.ArcResult;
import dev.posthorn.mailauth.arc.ArcSealer;
import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mailauth.dkim.SigningKey;
import dev.posthorn.mta.config.Checks;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dns;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import dev.posthorn.smtp.client.Recipient;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.testing.DnsResponder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARC on the MX listener end to end: a message sealed (by Posthorn's own sealer, with a key the DNS responder
 * publishes) arrives from an untrusted client, and the Authentication-Results field of the delivered copy says
 * {@code arc=pass}; a body changed after sealing says {@code arc=fail}; a message without ARC fields gets no
 * {@code arc=} result.
 */
class ArcInboundTest {

    private static final KeyPair RSA = generate();
    private static final String MESSAGE = "From: Bob <bob@sender.test>\r\nTo: alice@posthorn.test\r\n"
            + "Subject: forwarded\r\nDate: Sun, 1 Mar 2026 12:00:00 +0000\r\nMessage-ID: <fwd-1@sender.test>\r\n"
            + "\r\nHello Alice,\r\nthis went through a list.\r\n";

    @TempDir
    Path dir;

    private DnsResponder dns;

    private static KeyPair generate() {
        try {
            return KeyFile.generate("rsa");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void startDns() throws IOException {
        dns = DnsResponder.builder().zone("sender.test").zone("forwarder.test")
                .txt("sender.test", "v=spf1 ip4:127.0.0.0/8 -all")
                .txt("arc1._domainkey.forwarder.test", strings(RSA)).start();
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    /** The DNS strings of a key record: at most 255 octets each (RFC 1035 3.3.14). */
    private static String[] strings(KeyPair pair) {
        String text = KeyFile.parseDnsRecord(KeyFile.dnsRecord("forwarder.test", "arc1", pair.getPublic())).text();
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            strings.add(text.substring(i, Math.min(text.length(), i + 255)));
        }
        return strings.toArray(String[]::new);
    }

    private Config config() throws IOException {
        Path list = Files.writeString(dir.resolve("suffixes.dat"), "// the test top-level domain\ntest\n");
        Config c = TestConfigs.conformance(dir);
        return new Config(c.hostname(), c.spool(), c.listeners(), c.tls(), c.trustedNetworks(), c.limits(),
                c.domains(), c.usersFile(), new Dns(List.of(dns.address()), Duration.ofSeconds(1)), c.queue(),
                c.relay(), c.routes(), c.outbound())
                .withChecks(new Checks(true, true, true, false, false, false, Optional.of(list)));
    }

    private static String sealed() throws IOException, GeneralSecurityException {
        String set = new ArcSealer(Clock.systemUTC()).seal(
                new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.ISO_8859_1)), "forwarder.test",
                new SigningKey("arc1", RSA.getPrivate()), "mx.forwarder.test; spf=pass smtp.mailfrom=sender.test",
                ArcResult.Status.NONE);
        return set + MESSAGE;
    }

    private String deliver(String message) throws Exception {
        try (Daemon daemon = Daemon.start(config());
             SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1",
                     daemon.addresses().getFirst().getPort()), SmtpClient.Protocol.SMTP, "client.test",
                     ClientTimeouts.all(Duration.ofSeconds(20)))) {
            Reply reply = client.send(ReversePath.of(Mailbox.parse("bob@sender.test", false)), MailParameters.NONE,
                    List.of(Recipient.of(ForwardPath.of(Mailbox.parse("alice@posthorn.test", false)))),
                    new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)))
                    .recipients().getFirst().reply();
            assertThat(reply.code()).isEqualTo(250);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Maildirs.messages(dir.resolve("mail/alice")).size() == 1);
        }
        return Maildirs.messages(dir.resolve("mail/alice")).getFirst();
    }

    @Test
    void aValidChainIsRecordedAsArcPass() throws Exception {
        String mail = deliver(sealed());
        assertThat(mail).contains("\tarc=pass (i=1 d=forwarder.test) header.oldest-pass=0 smtp.remote-ip=127.0.0.1");
        assertThat(dns.queryCount("arc1._domainkey.forwarder.test")).isEqualTo(1);
    }

    @Test
    void aBodyChangedAfterSealingIsRecordedAsArcFail() throws Exception {
        String mail = deliver(sealed().replace("through a list", "through a spammer"));
        assertThat(mail).contains("\tarc=fail reason=\"ARC-Message-Signature i=1: body hash did not verify\""
                + " smtp.remote-ip=127.0.0.1");
    }

    @Test
    void aMessageWithoutArcFieldsGetsNoArcResult() throws Exception {
        String mail = deliver(MESSAGE);
        assertThat(mail).contains("Authentication-Results: mx.posthorn.test;").doesNotContain("\tarc=");
    }
}
