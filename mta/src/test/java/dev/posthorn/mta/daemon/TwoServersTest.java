package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Checks;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Delivery;
import dev.posthorn.mta.config.Dns;
import dev.posthorn.mta.config.Limits;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.config.LocalDomain;
import dev.posthorn.mta.config.Mailboxes;
import dev.posthorn.mta.config.Network;
import dev.posthorn.mta.config.Outbound;
import dev.posthorn.mta.config.TlsPolicy;
import dev.posthorn.smtp.testing.DnsResponder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons exchanging mail over real sockets: a.test on 127.0.0.2 relays to b.test, whose DNS (a responder on
 * 127.0.0.1) names an unreachable exchanger (127.0.0.4) first and the daemon on 127.0.0.3 second.
 */
class TwoServersTest {

    @TempDir
    Path dir;

    private static int freePort(String address) throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return probe.getLocalPort();
        }
    }

    private Config config(String name, String address, int port, String mailbox, DnsResponder dns, int outboundPort,
                          List<Network> trusted) throws IOException {
        Config defaults = Config.defaults(dir.resolve(name));
        LocalDomain domain = new LocalDomain(name, new Mailboxes.Listed(Set.of(mailbox)), Map.of(), Optional.empty(),
                true, new Delivery.Maildir(dir.resolve(name).resolve("mail")));
        return new Config("mx." + name, dir.resolve(name).resolve("spool"),
                List.of(new Listener(InetAddress.getByName(address), port, Listener.Role.MX)), Optional.empty(),
                trusted, new Limits(1_000_000, 100, 100, 50, 1), Map.of(name, domain), Optional.empty(),
                new Dns(List.of(dns.address()), Duration.ofSeconds(2)), defaults.queue(), Optional.empty(), Map.of(),
                new Outbound(outboundPort, TlsPolicy.MAY), Checks.OFF);
    }

    private static void send(InetSocketAddress server, String from, String to, String subject) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", server.getAddress().getHostAddress());
        p.put("mail.smtp.port", String.valueOf(server.getPort()));
        p.put("mail.smtp.localhost", "client.test");
        MimeMessage message = new MimeMessage(Session.getInstance(p));
        message.setFrom(new InternetAddress(from));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setSubject(subject);
        message.setText("from one Posthorn to another\r\n");
        Transport.send(message);
    }

    private List<String> maildir(String domain, String mailbox) throws IOException {
        return Maildirs.messages(dir.resolve(domain).resolve("mail").resolve(mailbox));
    }

    @Test
    void mailCrossesFromOneDaemonToTheOtherSkippingAnUnreachableExchanger() throws Exception {
        int port = freePort("127.0.0.3");
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
            assertThat(b.addresses()).hasSize(1);
        }
        String delivered = maildir("b.test", "bob").getFirst();
        assertThat(delivered).contains("by mx.b.test (Posthorn) with ESMTPS id", "by mx.a.test (Posthorn) with ESMTP id",
                "Subject: across");
        assertThat(delivered.indexOf("by mx.b.test")).isLessThan(delivered.indexOf("by mx.a.test"));
        String bounce = maildir("a.test", "alice").getFirst();
        assertThat(bounce).contains("Final-Recipient: rfc822; nobody@b.test", "Action: failed", "Status: 5.1.1",
                "Remote-MTA: dns; mx2.b.test", "Diagnostic-Code: smtp; 550 5.1.1");
    }
}
