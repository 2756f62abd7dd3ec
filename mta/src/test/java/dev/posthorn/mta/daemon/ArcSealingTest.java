package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mailauth.arc.ArcResult;
import dev.posthorn.mailauth.arc.ArcSealer;
import dev.posthorn.mailauth.arc.ArcVerifier;
import dev.posthorn.mailauth.dkim.DkimSigner;
import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mailauth.dkim.SigningKey;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.config.Checks;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dkim;
import dev.posthorn.mta.config.Dns;
import dev.posthorn.mta.config.Network;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
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
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARC sealing in the daemon ({@code dkim.arc.seal}): a message that the alias outside@posthorn.test sends on to
 * elsewhere.test is queued with a new ARC set by posthorn.test, which verifies with the keys the DNS responder
 * publishes; a chain that arrived broken is sealed with cv=fail; mail for a local mailbox gets no set. The queued
 * copy is read from the spool (elsewhere.test's MX lookup fails for now, so it stays there).
 */
class ArcSealingTest {

    private static final KeyPair FORWARDER = generate();
    private static final KeyPair OURS = generate();
    private static final String MESSAGE = "From: Bob <bob@sender.test>\r\nTo: outside@posthorn.test\r\n"
            + "Subject: via a list\r\nDate: Sun, 1 Mar 2026 12:00:00 +0000\r\nMessage-ID: <fwd-2@sender.test>\r\n"
            + "\r\nHello Carol,\r\nthis goes a long way.\r\n";

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
        dns = DnsResponder.builder().zone("sender.test").zone("forwarder.test").zone("posthorn.test")
                .zone("elsewhere.test")
                .txt("sender.test", "v=spf1 ip4:127.0.0.0/8 -all")
                .txt("arc1._domainkey.forwarder.test", strings(FORWARDER))
                .txt("s1._domainkey.posthorn.test", strings(OURS))
                .servfail("elsewhere.test").start();
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    private static String[] strings(KeyPair pair) {
        String text = KeyFile.parseDnsRecord(KeyFile.dnsRecord("x.test", "x", pair.getPublic())).text();
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            strings.add(text.substring(i, Math.min(text.length(), i + 255)));
        }
        return strings.toArray(String[]::new);
    }

    private boolean trusted;

    private Config config() throws IOException {
        Path list = Files.writeString(dir.resolve("suffixes.dat"), "// the test top-level domain\ntest\n");
        Config c = TestConfigs.conformance(dir);
        Dkim dkim = new Dkim(Map.of("posthorn.test", List.of(new Dkim.Key("s1", Path.of("s1.pem"),
                OURS.getPrivate()))), DkimSigner.DEFAULT_HEADERS, DkimSigner.DEFAULT_OVERSIGNED, Optional.empty(),
                true);
        return new Config(c.hostname(), c.spool(), c.listeners(), c.tls(), c.trustedNetworks(), c.limits(),
                c.domains(), c.usersFile(), new Dns(List.of(dns.address()), Duration.ofSeconds(1)), c.queue(),
                c.relay(), c.routes(), c.outbound())
                .withChecks(new Checks(true, true, true, false, false, false, Optional.of(list))).withDkim(dkim)
                .withTrust(trusted ? List.of(Network.parse("127.0.0.0/8")) : List.of(), c.limits());
    }

    private static String sealedByForwarder(String message) throws IOException, GeneralSecurityException {
        return new ArcSealer(Clock.systemUTC()).seal(
                new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)), "forwarder.test",
                new SigningKey("arc1", FORWARDER.getPrivate()), "mx.forwarder.test; spf=pass", ArcResult.Status.NONE)
                + message;
    }

    /** Sends {@code message} to {@code to} on the MX listener; the queued copy as it would be delivered. */
    private String queued(String message, String to) throws Exception {
        try (Daemon daemon = Daemon.start(config());
             SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1",
                     daemon.addresses().getFirst().getPort()), SmtpClient.Protocol.SMTP, "client.test",
                     ClientTimeouts.all(Duration.ofSeconds(20)))) {
            Reply reply = client.send(ReversePath.of(Mailbox.parse("bob@sender.test", false)), MailParameters.NONE,
                    List.of(Recipient.of(ForwardPath.of(Mailbox.parse(to, false)))),
                    new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)))
                    .recipients().getFirst().reply();
            assertThat(reply.code()).isEqualTo(250);
            if (to.startsWith("alice")) {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> Maildirs.messages(dir.resolve("mail/alice")).size() == 1);
                return Maildirs.messages(dir.resolve("mail/alice")).getFirst().replace("\n", "\r\n");
            }
        }
        Spool spool = Spool.open(dir.resolve("spool"));
        List<QueuedMessage> messages = spool.sweep();
        assertThat(messages).hasSize(1);
        try (InputStream in = spool.body(messages.getFirst())) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private ArcResult verify(String message) throws IOException {
        DnsClient keys = DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(2));
        return new ArcVerifier(keys::txt, Clock.systemUTC())
                .verify(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void mailAnAliasSendsToAnotherDomainIsSealedByTheAliasDomain() throws Exception {
        String queued = queued(sealedByForwarder(MESSAGE), "outside@posthorn.test");
        assertThat(queued).startsWith("ARC-Seal: i=2; cv=pass; a=rsa-sha256; d=posthorn.test; s=s1;")
                .contains("ARC-Authentication-Results: i=2; mx.posthorn.test;")
                .contains("arc=pass (i=1 d=forwarder.test) header.oldest-pass=0 smtp.remote-ip=127.0.0.1");
        ArcResult result = verify(queued);
        assertThat(result.status()).as(result.reason()).isEqualTo(ArcResult.Status.PASS);
        assertThat(result.instances()).isEqualTo(2);
        assertThat(result.domain()).isEqualTo("posthorn.test");
    }

    @Test
    void mailWithoutAChainStartsOneWithCvNone() throws Exception {
        String queued = queued(MESSAGE, "outside@posthorn.test");
        assertThat(queued).startsWith("ARC-Seal: i=1; cv=none;");
        assertThat(verify(queued).status()).isEqualTo(ArcResult.Status.PASS);
    }

    @Test
    void aBrokenChainIsSealedWithCvFail() throws Exception {
        String queued = queued(sealedByForwarder(MESSAGE).replace("a long way", "a short way"),
                "outside@posthorn.test");
        assertThat(queued).startsWith("ARC-Seal: i=2; cv=fail;").contains("\tarc=fail reason=");
        assertThat(verify(queued).reason()).isEqualTo("ARC-Seal i=2 says cv=fail");
    }

    @Test
    void mailRelayedForATrustedClientIsSealedByTheAuthorsDomain() throws Exception {
        trusted = true;
        String message = MESSAGE.replace("From: Bob <bob@sender.test>", "From: Alice <alice@posthorn.test>");
        String queued = queued(message, "carol@elsewhere.test");
        assertThat(queued).startsWith("ARC-Seal: i=1; cv=none; a=rsa-sha256; d=posthorn.test; s=s1;")
                .contains("ARC-Authentication-Results: i=1; mx.posthorn.test; none\r\n")
                .contains("DKIM-Signature: v=1; a=rsa-sha256;");
        assertThat(verify(queued).status()).isEqualTo(ArcResult.Status.PASS);
    }

    @Test
    void mailForALocalMailboxIsNotSealed() throws Exception {
        String delivered = queued(sealedByForwarder(MESSAGE), "alice@posthorn.test");
        assertThat(delivered).doesNotContain("i=2;").contains("ARC-Seal: i=1; cv=none;");
    }
}
