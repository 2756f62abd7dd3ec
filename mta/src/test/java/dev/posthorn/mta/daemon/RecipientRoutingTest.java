package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recipients over a real session that routing must not merge or send away: only ASCII letters are folded (RFC 5321
 * 2.4 lets a server treat its local parts case-insensitively; RFC 6531 3.3 leaves non-ASCII local parts to the
 * domain), so no Unicode case mapping turns one address into another; and a local domain's address that reaches no
 * mailbox is refused, never forwarded to the domain's MX.
 */
class RecipientRoutingTest {

    @TempDir
    Path dir;

    private Config local(LocalDomain domain) throws Exception {
        return TestConfigs.conformance(dir).withDomains(Map.of(domain.name(), domain));
    }

    @Test
    void kelvinSignIsNotKate() throws Exception {
        LocalDomain domain = new LocalDomain("posthorn.test", new Mailboxes.Listed(Set.of("kate", "postmaster")),
                Map.of(), Optional.empty(), true, new LocalDelivery.Maildir(dir.resolve("mail")));
        try (Daemon daemon = Daemon.start(local(domain));
             Talk talk = new Talk(daemon.addresses().getFirst())) {
            assertThat(talk.read().code()).isEqualTo(220);
            assertThat(talk.command("EHLO client.test").lines()).contains("SMTPUTF8");
            assertThat(talk.command("MAIL FROM:<sender@client.test> SMTPUTF8").code()).isEqualTo(250);
            // U+212A KELVIN SIGN lower-cases to an ASCII k in Java (and in Unicode's full case folding).
            Reply kelvin = talk.command("RCPT TO:<\u212Aate@posthorn.test>");
            assertThat(kelvin.code()).as(kelvin.toString()).isEqualTo(550);
            assertThat(kelvin.toString()).contains("5.1.1");
            assertThat(talk.command("RCPT TO:<KATE@posthorn.test>").code()).as("ASCII is still folded").isEqualTo(250);
            assertThat(talk.command("RCPT TO:<\u212Aate+x@posthorn.test>").code()).isEqualTo(550);
            assertThat(talk.command("QUIT").code()).isEqualTo(221);
        }
    }

    @Test
    void aliasLoopingThroughPlusAddressingIsRefusedNotSentToTheDomainsMx() throws Exception {
        // The configuration check refuses this file; a configuration built in code skips it, as an old one would.
        LocalDomain domain = new LocalDomain("posthorn.test", new Mailboxes.Any(), Map.of("pl", List.of("pl+x")),
                Optional.empty(), true, new LocalDelivery.Maildir(dir.resolve("mail")));
        try (Daemon daemon = Daemon.start(local(domain));
             Talk talk = new Talk(daemon.addresses().getFirst())) {
            assertThat(talk.read().code()).isEqualTo(220);
            assertThat(talk.command("EHLO client.test").code()).isEqualTo(250);
            assertThat(talk.command("MAIL FROM:<sender@client.test>").code()).isEqualTo(250);
            Reply loop = talk.command("RCPT TO:<pl@posthorn.test>");
            assertThat(loop.code()).as(loop.toString()).isEqualTo(550);
            assertThat(loop.toString()).contains("5.1.1");
            assertThat(talk.command("RCPT TO:<pl+y@posthorn.test>").code()).isEqualTo(550);
            assertThat(talk.command("RCPT TO:<other@posthorn.test>").code()).isEqualTo(250);
        }
    }

    @Test
    void remoteAddressesDifferingByAUnicodeCaseMappingStayTwoRecipients() throws Exception {
        Script script = Script.accepting();
        try (DnsResponder dns = OutboundRetryTest.dns();
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0), n -> script);
             Daemon daemon = Daemon.start(OutboundRetryTest.config(dir, dns, server.port()),
                     OutboundRetryTest.quick(Duration.ofDays(1)));
             Talk talk = new Talk(daemon.addresses().getFirst())) {
            assertThat(talk.read().code()).isEqualTo(220);
            assertThat(talk.command("EHLO client.test").code()).isEqualTo(250);
            assertThat(talk.command("MAIL FROM:<alice@a.test> SMTPUTF8").code()).isEqualTo(250);
            assertThat(talk.command("RCPT TO:<\u212Aate@far.test>").code()).isEqualTo(250);
            assertThat(talk.command("RCPT TO:<kate@far.test>").code()).isEqualTo(250);
            assertThat(talk.command("DATA").code()).isEqualTo(354);
            assertThat(talk.command("Subject: two\r\n\r\nfor two people\r\n.").code()).isEqualTo(250);
            await().atMost(Duration.ofSeconds(15)).until(() -> server.received().size() == 1);
            assertThat(server.received().getFirst().recipients())
                    .containsExactlyInAnyOrder("\u212Aate@far.test", "kate@far.test");
        }
    }
}
