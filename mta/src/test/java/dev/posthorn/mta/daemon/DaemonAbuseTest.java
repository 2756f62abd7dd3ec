package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dns;
import dev.posthorn.mta.config.Dnsbl;
import dev.posthorn.mta.config.Network;
import dev.posthorn.mta.config.PerIp;
import dev.posthorn.mta.config.Rate;
import dev.posthorn.mta.config.Senders;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.server.Tarpit;
import dev.posthorn.smtp.testing.Dialog;
import dev.posthorn.smtp.testing.DialogResult;
import dev.posthorn.smtp.testing.DialogRunner;
import dev.posthorn.smtp.testing.DnsResponder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The abuse rules of the configuration at work in the daemon, from a client on loopback: DNS blocklists, the
 * per-address rates, the tarpit and the senders of authenticated users.
 */
class DaemonAbuseTest {

    /** Long enough that no window ends during a test: fixed windows start at multiples of their length. */
    private static final Duration NEVER_ENDING = Duration.ofDays(10_000);

    @TempDir
    Path dir;

    private Config withDnsbl(Config config, DnsResponder dns, Dnsbl.Action action) {
        Config pointed = new Config(config.hostname(), config.spool(), config.listeners(), config.tls(),
                config.trustedNetworks(), config.limits(), config.domains(), config.usersFile(),
                new Dns(List.of(dns.address()), Duration.ofSeconds(1)), config.queue(), config.relay(),
                config.routes(), config.outbound());
        return pointed.withAbuseRules(Tarpit.OFF, new Dnsbl(List.of("bl.example.test"), action,
                Duration.ofSeconds(1)), Senders.NONE);
    }

    private static DnsResponder listingLoopback() throws IOException {
        return DnsResponder.builder().zone("bl.example.test")
                .a("1.0.0.127.bl.example.test", "127.0.0.2")
                .txt("1.0.0.127.bl.example.test", "Listed: see https://bl.example.test/\r\nquery 127.0.0.1")
                .start();
    }

    @Test
    void aListedClientIsGreetedWith554AndMaySayOnlyQuit() throws Exception {
        try (DnsResponder dns = listingLoopback();
             Daemon daemon = Daemon.start(withDnsbl(TestConfigs.conformance(dir), dns, Dnsbl.Action.REJECT));
             Talk talk = new Talk(daemon.addresses().getFirst())) {
            Reply greeting = talk.read();
            assertThat(greeting.code()).isEqualTo(554);
            assertThat(String.valueOf(greeting.status())).isEqualTo("5.7.1");
            assertThat(greeting.lines().getFirst()).isEqualTo("Service unavailable; client [127.0.0.1] blocked using"
                    + " bl.example.test; Listed: see https://bl.example.test/\\013\\010query 127.0.0.1");
            assertThat(talk.command("EHLO client.test").code()).isEqualTo(503);
            assertThat(talk.command("MAIL FROM:<a@client.test>").code()).isEqualTo(503);
            assertThat(talk.command("QUIT").code()).isEqualTo(221);
            assertThat(dns.queryCount("1.0.0.127.bl.example.test")).isPositive();
        }
    }

    @Test
    void listingsOnlyLoggedWithActionLogAndTrustedClientsAreNotLookedUp() throws Exception {
        try (DnsResponder dns = listingLoopback()) {
            try (Daemon daemon = Daemon.start(withDnsbl(TestConfigs.conformance(dir), dns, Dnsbl.Action.LOG));
                 Talk talk = new Talk(daemon.addresses().getFirst())) {
                assertThat(talk.read().code()).isEqualTo(220);
                assertThat(dns.queryCount()).isPositive();
            }
            int asked = dns.queryCount();
            try (Daemon daemon = Daemon.start(withDnsbl(TestConfigs.trusting(
                    java.nio.file.Files.createDirectories(dir.resolve("t")), 1), dns,
                    Dnsbl.Action.REJECT)); Talk talk = new Talk(daemon.addresses().getFirst())) {
                assertThat(talk.read().code()).isEqualTo(220);
                assertThat(dns.queryCount()).isEqualTo(asked);
            }
        }
    }

    @Test
    void aBlocklistThatDoesNotAnswerLetsTheClientIn() throws Exception {
        try (DnsResponder dns = DnsResponder.builder().zone("bl.example.test").drop("1.0.0.127.bl.example.test")
                .start();
             Daemon daemon = Daemon.start(withDnsbl(TestConfigs.conformance(dir), dns, Dnsbl.Action.REJECT));
             Talk talk = new Talk(daemon.addresses().getFirst())) {
            assertThat(talk.read().code()).isEqualTo(220);
        }
    }

    @Test
    void messageAndRecipientRatesComeFromTheConfiguration() throws Exception {
        Config config = TestConfigs.conformance(dir);
        PerIp rates = new PerIp(Rate.OFF, new Rate(2, NEVER_ENDING), new Rate(3, NEVER_ENDING));
        try (Daemon daemon = Daemon.start(config.withTrust(List.of(), config.limits().withPerIp(rates)));
             Talk talk = new Talk(daemon.addresses().getFirst())) {
            talk.read();
            talk.command("EHLO client.test");
            assertThat(talk.command("MAIL FROM:<a@client.test>").code()).isEqualTo(250);
            for (int i = 0; i < 3; i++) {
                assertThat(talk.command("RCPT TO:<alice@posthorn.test>").code()).isEqualTo(250);
            }
            assertReply(talk.command("RCPT TO:<alice@posthorn.test>"), 452, "4.5.3");
            talk.command("RSET");
            assertThat(talk.command("MAIL FROM:<a@client.test>").code()).isEqualTo(250);
            talk.command("RSET");
            assertReply(talk.command("MAIL FROM:<a@client.test>"), 450, "4.7.1");
        }
    }

    @Test
    void theConfiguredConnectionRateTurnsClientsAwayWith421() throws Exception {
        Config config = TestConfigs.conformance(dir);
        PerIp rates = new PerIp(new Rate(3, NEVER_ENDING), Rate.OFF, Rate.OFF);
        try (Daemon daemon = Daemon.start(config.withTrust(List.of(), config.limits().withPerIp(rates)))) {
            for (int i = 0; i < 3; i++) {
                try (Talk talk = new Talk(daemon.addresses().getFirst())) {
                    assertThat(talk.read().code()).isEqualTo(220);
                }
            }
            try (Talk talk = new Talk(daemon.addresses().getFirst())) {
                assertReply(talk.read(), 421, "4.7.0");
            }
        }
    }

    @Test
    void theConfiguredTarpitSlowsUntrustedClientsOnly() throws Exception {
        // A long delay, so that a busy machine's slowness cannot pass for the tarpit or hide it.
        Tarpit tarpit = new Tarpit(1, Duration.ofMillis(2500), Duration.ofMillis(2500));
        Config untrusted = TestConfigs.conformance(dir).withAbuseRules(tarpit, Config.defaults(dir).dnsbl(),
                Senders.NONE);
        assertThat(secondRcptWait(untrusted)).isGreaterThanOrEqualTo(2500);
        Config trusted = untrusted.withTrust(List.of(Network.parse("127.0.0.0/8")), untrusted.limits());
        assertThat(secondRcptWait(trusted)).isLessThan(2500);
    }

    /** Milliseconds the reply to a second bad RCPT took. */
    private static long secondRcptWait(Config config) throws Exception {
        try (Daemon daemon = Daemon.start(config); Talk talk = new Talk(daemon.addresses().getFirst())) {
            talk.read();
            talk.command("EHLO client.test");
            talk.command("MAIL FROM:<a@client.test>");
            assertThat(talk.command("RCPT TO:<nobody@posthorn.test>").code()).isEqualTo(550);
            long start = System.nanoTime();
            assertThat(talk.command("RCPT TO:<nobody@posthorn.test>").code()).isEqualTo(550);
            return (System.nanoTime() - start) / 1_000_000;
        }
    }

    @Test
    void configuredSendersReplaceTheDefaultForTheirUser() throws Exception {
        Config config = TestConfigs.conformance(dir).withAbuseRules(Tarpit.OFF, Config.defaults(dir).dnsbl(),
                new Senders(Map.of("alice", List.of("sales@posthorn.test", "@partner.test"))));
        try (Daemon daemon = Daemon.start(config)) {
            Dialog dialog = Dialog.parse("senders", """
                    S: 220
                    C: EHLO client.test
                    S: 250
                    C: STARTTLS
                    S: 220
                    TLS
                    C: EHLO client.test
                    S: 250
                    C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=
                    S: 235 2.7.0
                    C: MAIL FROM:<alice@posthorn.test>
                    S: 553 5.7.1
                    C: MAIL FROM:<bob@partner.test>
                    S: 250 2.1.0
                    C: RSET
                    S: 250
                    C: MAIL FROM:<sales+q4@posthorn.test>
                    S: 250 2.1.0
                    C: RSET
                    S: 250
                    C: MAIL FROM:<sales@elsewhere.test>
                    S: 553 5.7.1
                    C: QUIT
                    S: 221
                    """);
            DialogResult result = new DialogRunner().run(dialog, daemon.addresses().getFirst());
            assertThat(result.passed()).as(result.report()).isTrue();
        }
    }

    private static void assertReply(Reply reply, int code, String status) {
        assertThat(reply.code()).as("%s", reply).isEqualTo(code);
        assertThat(String.valueOf(reply.status())).as("%s", reply).isEqualTo(status);
    }
}
