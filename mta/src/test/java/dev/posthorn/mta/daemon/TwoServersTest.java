package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mailauth.dkim.DkimSigner;
import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mta.config.Checks;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dkim;
import dev.posthorn.mta.config.Dns;
import dev.posthorn.mta.config.Limits;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.config.Network;
import dev.posthorn.mta.config.Outbound;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.tls.TlsPolicy;
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
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons exchanging mail over real sockets: a.test on 127.0.0.2 relays to b.test, whose DNS (a responder on
 * 127.0.0.1) names an unreachable exchanger (127.0.0.4) first and the daemon on 127.0.0.3 second. Each daemon
 * connects out from its own address ({@code outbound.bind_address}), so that b.test sees a.test's mail come from
 * 127.0.0.2, the address a.test's SPF record names.
 */
class TwoServersTest {

    private static final KeyPair KEY = ed25519();

    /** a.test signs with selector s1 and publishes SPF and a DMARC reject policy; c.test is a mailing list host. */
    private static final DnsResponderBuilder SIGNED_ZONES = DnsResponder.builder()
            .zone("b.test").mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.3")
            .zone("a.test").mx("a.test", 10, "mx.a.test").a("mx.a.test", "127.0.0.2")
            .txt("s1._domainkey.a.test", KeyFile.parseDnsRecord(KeyFile.dnsRecord("a.test", "s1", KEY.getPublic()))
                    .text())
            .txt("a.test", "v=spf1 ip4:127.0.0.2 -all")
            .txt("_dmarc.a.test", "v=DMARC1; p=reject")
            .zone("c.test").txt("c.test", "v=spf1 ip4:127.0.0.2 -all");

    @TempDir
    Path dir;

    private static KeyPair ed25519() {
        try {
            return KeyFile.generate("ed25519");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Config config(String name, String address, int port, String mailbox, DnsResponder dns, int outboundPort,
                          List<Network> trusted) throws IOException {
        Config defaults = Config.defaults(dir.resolve(name));
        LocalDomain domain = new LocalDomain(name, new Mailboxes.Listed(Set.of(mailbox)), Map.of(), Optional.empty(),
                true, new LocalDelivery.Maildir(dir.resolve(name).resolve("mail")));
        return new Config("mx." + name, dir.resolve(name).resolve("spool"),
                List.of(new Listener(InetAddress.getByName(address), port, Listener.Role.MX)), Optional.empty(),
                trusted, new Limits(1_000_000, 100, 100, 50, 1), Map.of(name, domain), Optional.empty(),
                new Dns(List.of(dns.address()), Duration.ofSeconds(2)), defaults.queue(), Optional.empty(), Map.of(),
                new Outbound(outboundPort, TlsPolicy.MAY).withBindAddress(InetAddress.getByName(address)));
    }

    /** a.test, signing its mail with {@link #KEY}; every loopback client may relay. */
    private Config signing(DnsResponder dns, int outboundPort) throws IOException {
        return config("a.test", "127.0.0.2", 0, "alice", dns, outboundPort, List.of(Network.parse("127.0.0.0/8")))
                .withDkim(new Dkim(Map.of("a.test", List.of(new Dkim.Key("s1", Path.of("s1.pem"), KEY.getPrivate()))),
                        DkimSigner.DEFAULT_HEADERS, DkimSigner.DEFAULT_OVERSIGNED, Optional.of(Duration.ofDays(1))));
    }

    /** b.test on 127.0.0.3, trusting no client, checking SPF, DKIM and DMARC and refusing DMARC rejects. */
    private Config checking(DnsResponder dns, int port) throws IOException {
        Path suffixes = Files.writeString(dir.resolve("suffixes.dat"), "// the test top-level domain\ntest\n");
        return config("b.test", "127.0.0.3", port, "bob", dns, port, List.of())
                .withChecks(new Checks(true, true, true, false, true, false, Optional.of(suffixes)));
    }

    private static void send(InetSocketAddress server, String from, String to, String subject) throws Exception {
        TestMail.send(server, from, to, subject, "from one Posthorn to another\r\n");
    }

    private List<String> maildir(String domain, String mailbox) throws IOException {
        return Maildirs.messages(dir.resolve(domain).resolve("mail").resolve(mailbox));
    }

    @Test
    void mailCrossesFromOneDaemonToTheOtherSkippingAnUnreachableExchanger() throws Exception {
        int port = FreePorts.on("127.0.0.3");
        try (DnsResponder dns = DnsResponder.builder().zone("b.test")
                .mx("b.test", 10, "mx1.b.test").a("mx1.b.test", "127.0.0.4")
                .mx("b.test", 20, "mx2.b.test").a("mx2.b.test", "127.0.0.3")
                .zone("a.test").mx("a.test", 10, "mx.a.test").a("mx.a.test", "127.0.0.2")
                .start();
             Daemon b = Daemon.start(config("b.test", "127.0.0.3", port, "bob", dns, port, List.of()));
             Daemon a = Daemon.start(config("a.test", "127.0.0.2", 0, "alice", dns, port,
                     List.of(Network.parse("127.0.0.0/8"))))) {
            send(a.addresses().getFirst(), "alice@a.test", "bob@b.test", "across");
            await().atMost(Duration.ofSeconds(20)).until(() -> maildir("b.test", "bob").size() == 1);

            send(a.addresses().getFirst(), "alice@a.test", "nobody@b.test", "to nobody");
            await().atMost(Duration.ofSeconds(20)).until(() -> maildir("a.test", "alice").size() == 1);
            assertThat(Counts.attempts(b, "delivered")).as("b delivered bob's copy").isEqualTo(1);
            assertThat(Counts.attempts(a, "failed")).as("a's attempt for nobody failed for good").isEqualTo(1);
            assertThat(Counts.reports(a, "failure")).as("and a reported it").isEqualTo(1);
        }
        String delivered = maildir("b.test", "bob").getFirst();
        assertThat(delivered).contains("by mx.b.test (Posthorn) with ESMTPS id", "by mx.a.test (Posthorn) with ESMTP id",
                "Subject: across");
        assertThat(delivered.indexOf("by mx.b.test")).isLessThan(delivered.indexOf("by mx.a.test"));
        String bounce = maildir("a.test", "alice").getFirst();
        assertThat(bounce).contains("Final-Recipient: rfc822; nobody@b.test", "Action: failed", "Status: 5.1.1",
                "Remote-MTA: dns; mx2.b.test", "Diagnostic-Code: smtp; 550 5.1.1");
    }

    /** What a test does with b.test running, once it holds a message from a.test. */
    private interface WithB {
        void run(Daemon b) throws Exception;
    }

    /** Starts a.test and b.test, relays one signed message from alice to bob, then runs {@code then}. */
    private void relaySigned(WithB then) throws Exception {
        int port = FreePorts.on("127.0.0.3");
        try (DnsResponder dns = SIGNED_ZONES.start();
             Daemon b = Daemon.start(checking(dns, port));
             Daemon a = Daemon.start(signing(dns, port))) {
            send(a.addresses().getFirst(), "alice@a.test", "bob@b.test", "signed");
            await().atMost(Duration.ofSeconds(20)).until(() -> maildir("b.test", "bob").size() == 1);
            then.run(b);
        }
    }

    @Test
    void signedMailFromAnotherServerIsVerifiedOnArrival() throws Exception {
        relaySigned(b -> assertThat(b.addresses()).hasSize(1));
        String delivered = maildir("b.test", "bob").getFirst();
        assertThat(delivered).contains("DKIM-Signature: v=1; a=ed25519-sha256;", " d=a.test;", " s=s1;")
                .contains("Authentication-Results: mx.b.test;\n"
                        + "\tspf=pass reason=\"a.test: 127.0.0.2 matched ip4\" smtp.mailfrom=alice@a.test;\n"
                        + "\tdkim=pass header.d=a.test header.s=s1 header.b=")
                .contains("\tdmarc=pass (p=reject dis=none) header.from=a.test\n");
    }

    @Test
    void signedMailWithAChangedBodyIsRefusedUnderTheAuthorsDmarcReject() throws Exception {
        relaySigned(b -> {
            // A list host re-sends a.test's signed message with a footer: its own SPF passes, but it is not aligned
            // with the author's domain, and the signature no longer covers the body.
            String signed = maildir("b.test", "bob").getFirst();
            assertThat(signed).contains("\tdkim=pass header.d=a.test");
            String changed = signed.replace("from one Posthorn to another\n", "from one Posthorn to another\n"
                    + "-- \nsent through the c.test list\n").replace("\n", "\r\n");
            Reply reply = sendFrom("127.0.0.2", b.addresses().getFirst(), "list@c.test", "bob@b.test", changed);
            assertThat(reply.toString()).startsWith("550 5.7.1 ").contains("DMARC");
        });
        assertThat(maildir("b.test", "bob")).hasSize(1);
    }

    /** Sends {@code message} from the local address {@code source}; the reply for the one recipient. */
    private static Reply sendFrom(String source, InetSocketAddress server, String from, String to, String message)
            throws IOException {
        try (SmtpClient client = SmtpClient.connect(new Endpoint.Tcp(server.getAddress().getHostAddress(),
                server.getPort(), Optional.of(InetAddress.getByName(source))), SmtpClient.Protocol.SMTP, "list.c.test",
                ClientTimeouts.all(Duration.ofSeconds(20)))) {
            return client.send(ReversePath.of(Mailbox.parse(from, false)), MailParameters.NONE,
                    List.of(Recipient.of(ForwardPath.of(Mailbox.parse(to, false)))),
                    new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8))).recipients().getFirst().reply();
        }
    }
}
