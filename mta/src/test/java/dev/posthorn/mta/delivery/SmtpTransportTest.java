package dev.posthorn.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.MessageBody;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.DsnReturn;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.OriginalRecipient;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer.Fault;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Outbound SMTP by MX over real sockets: a DNS responder on 127.0.0.1 names exchangers on 127.0.0.2 (nothing
 * listens) and 127.0.0.3 (a fake server).
 */
class SmtpTransportTest {

    private static final String MESSAGE = "Subject: out\r\n\r\nbody\r\n";
    private static final SpoolEnvelope ENVELOPE =
            Envelopes.of("01OUT", Instant.now(), "sender@posthorn.test", "a@example.net");

    private static MessageBody body() {
        return Bodies.of(MESSAGE);
    }

    private static FakeSmtpServer fake(Script script) throws Exception {
        return FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0), n -> script);
    }

    private static SmtpTransport transport(DnsResponder dns, int port) {
        MxResolver resolver = new MxResolver(DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(2)),
                new SplittableRandom(7));
        return new SmtpTransport(resolver, "mx.posthorn.test", port, ClientTimeouts.all(Duration.ofSeconds(5)),
                SmtpTransport.Policy.of(TlsPolicy.MAY));
    }

    private static DnsResponder twoExchangers() throws Exception {
        return DnsResponder.builder().zone("example.net")
                .mx("example.net", 10, "mx1.example.net").a("mx1.example.net", "127.0.0.2")
                .mx("example.net", 20, "mx2.example.net").a("mx2.example.net", "127.0.0.3")
                .zone("nullmx.test").mx("nullmx.test", 0, ".")
                .zone("broken.test").servfail("broken.test")
                .start();
    }

    @Test
    void unreachableBetterExchangerIsSkipped() throws Exception {
        try (FakeSmtpServer server = fake(Script.accepting()); DnsResponder dns = twoExchangers()) {
            List<Outcome> outcomes = transport(dns, server.port()).deliver(ENVELOPE,
                    Envelopes.mailboxes("a@example.net", "b@example.net"), body(), new DeliveryTrace());
            assertThat(outcomes).allMatch(o -> o instanceof Outcome.Delivered d
                            && d.handover() == Outcome.Handover.RELAYED)
                    .allMatch(o -> o.diagnostic().startsWith("mx2.example.net[127.0.0.3] said: 250"));
            assertThat(server.received()).singleElement().satisfies(m -> {
                assertThat(m.recipients()).containsExactly("a@example.net", "b@example.net");
                assertThat(m.sender()).isEqualTo("sender@posthorn.test");
                assertThat(m.text()).isEqualTo(MESSAGE);
            });
        }
    }

    @Test
    void eachRecipientGetsItsOwnOutcome() throws Exception {
        Script script = Script.accepting().withRcpt("busy@example.net", Reply.of(450, "4.2.1", "busy"))
                .withRcpt("gone@example.net", Reply.of(550, "5.1.1", "no such user"));
        try (FakeSmtpServer server = fake(script); DnsResponder dns = twoExchangers()) {
            List<Outcome> outcomes = transport(dns, server.port()).deliver(ENVELOPE,
                    Envelopes.mailboxes("busy@example.net", "ok@example.net",
                    "gone@example.net"), body(), new DeliveryTrace());
            assertThat(outcomes.get(0)).isInstanceOf(Outcome.Deferred.class);
            assertThat(outcomes.get(1)).isInstanceOf(Outcome.Delivered.class);
            assertThat(outcomes.get(2)).isInstanceOf(Outcome.Failed.class);
            assertThat(outcomes.get(2).diagnostic()).contains("550 5.1.1 no such user");
        }
    }

    @Test
    void refusingGreetingMovesOnAndThenDefers() throws Exception {
        try (FakeSmtpServer server = fake(Script.accepting().withGreeting(Reply.of(421, "4.3.2", "busy")));
             DnsResponder dns = twoExchangers()) {
            List<Outcome> outcomes = transport(dns, server.port()).deliver(ENVELOPE,
                    Envelopes.mailboxes("a@example.net"), body(), new DeliveryTrace());
            assertThat(outcomes.getFirst()).isInstanceOf(Outcome.Deferred.class);
            assertThat(outcomes.getFirst().diagnostic()).contains("4.4.1").contains("421");
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void nullMxFailsAtOnce() throws Exception {
        try (DnsResponder dns = twoExchangers()) {
            List<Outcome> outcomes = transport(dns, 25).deliver(ENVELOPE, Envelopes.mailboxes("a@nullmx.test"),
                    body(), new DeliveryTrace());
            assertThat(outcomes.getFirst()).isInstanceOf(Outcome.Failed.class);
            assertThat(outcomes.getFirst().diagnostic()).startsWith("556 5.1.10");
        }
    }

    @Test
    void dnsFailureDefers() throws Exception {
        try (DnsResponder dns = twoExchangers()) {
            List<Outcome> outcomes = transport(dns, 25).deliver(ENVELOPE, Envelopes.mailboxes("a@broken.test"),
                    body(), new DeliveryTrace());
            assertThat(outcomes.getFirst()).isInstanceOf(Outcome.Deferred.class);
            assertThat(outcomes.getFirst().diagnostic()).contains("4.4.3");
        }
    }

    @Test
    void dsnParametersTravelOnWhereTheServerOffersDsn() throws Exception {
        SpoolEnvelope envelope = new SpoolEnvelope("01DSN", Instant.now(), Envelopes.sender("sender@posthorn.test"),
                List.of(new SpoolEnvelope.Recipient(Mailbox.parse("a@example.net", true),
                        Optional.of(new OriginalRecipient("rfc822", "team@example.net")),
                        Set.of(DsnNotify.FAILURE, DsnNotify.SUCCESS))))
                .with(new SpoolEnvelope.Parameters(BodyType.SEVEN_BIT, false, Optional.of(DsnReturn.HDRS),
                        Optional.of("QQ314159")));
        Script dsn = Script.accepting().withExtensions(List.of("PIPELINING", "DSN", "SIZE 1000000"));
        try (FakeSmtpServer server = fake(dsn); DnsResponder dns = twoExchangers()) {
            List<Outcome> outcomes = transport(dns, server.port()).deliver(envelope,
                    Envelopes.mailboxes("a@example.net"), body(), new DeliveryTrace());
            assertThat(outcomes.getFirst()).isEqualTo(new Outcome.Delivered(outcomes.getFirst().diagnostic(),
                    Outcome.Handover.PASSED_ON));
            assertThat(server.commands()).contains(
                    "MAIL FROM:<sender@posthorn.test> SIZE=" + MESSAGE.length() + " RET=HDRS ENVID=QQ314159",
                    "RCPT TO:<a@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;team@example.net");
        }
    }

    @Test
    void messagesToTheSameServerShareOneConnection() throws Exception {
        try (FakeSmtpServer server = fake(Script.accepting()); DnsResponder dns = twoExchangers()) {
            SmtpTransport transport = transport(dns, server.port());
            for (int i = 0; i < 3; i++) {
                assertThat(transport.deliver(ENVELOPE, Envelopes.mailboxes("a@example.net"), body(),
                        new DeliveryTrace()).getFirst())
                        .isInstanceOf(Outcome.Delivered.class);
            }
            transport.close();
            assertThat(server.received()).hasSize(3);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(server.commands()).filteredOn(c -> c.startsWith("EHLO")).hasSize(1);
        }
    }

    @Test
    void aKeptSessionTheServerDroppedIsReplacedByANewOne() throws Exception {
        Script accepting = Script.accepting();
        try (FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                n -> n == 0 ? accepting.withData(Reply.of(250, "2.0.0", "ok")) : accepting);
             DnsResponder dns = twoExchangers()) {
            SmtpTransport transport = transport(dns, server.port());
            transport.deliver(ENVELOPE, Envelopes.mailboxes("a@example.net"), body(), new DeliveryTrace());
            server.closeConnections();
            List<Outcome> second = transport.deliver(ENVELOPE, Envelopes.mailboxes("b@example.net"), body(),
                    new DeliveryTrace());
            assertThat(second.getFirst()).isInstanceOf(Outcome.Delivered.class);
            assertThat(server.connections()).isEqualTo(2);
            transport.close();
        }
    }

    @Test
    void orcptIsLeftOutWhenItWouldOnlyRepeatTheRecipient() throws Exception {
        Script dsn = Script.accepting().withExtensions(List.of("PIPELINING", "DSN"));
        try (FakeSmtpServer server = fake(dsn); DnsResponder dns = twoExchangers()) {
            List<Outcome> outcomes = transport(dns, server.port()).deliver(ENVELOPE,
                    Envelopes.mailboxes("a@example.net"), body(), new DeliveryTrace());
            assertThat(server.commands()).contains("RCPT TO:<a@example.net>");
            assertThat(((Outcome.Delivered) outcomes.getFirst()).handover())
                    .as("offered DSN but no NOTIFY to pass on: nobody downstream reports")
                    .isEqualTo(Outcome.Handover.RELAYED);
        }
    }

    /**
     * RFC 7435 and the class comment: under the default level ({@code may}) a handshake that fails is this address's
     * failure, and the next exchanger (here on the same port, as the transport uses one port for all) gets the mail.
     */
    @Test
    void failedOpportunisticHandshakeMovesOnToTheNextExchanger() throws Exception {
        try (FakeSmtpServer second = fake(Script.accepting());
             FakeSmtpServer first = FakeSmtpServer.start(new InetSocketAddress("127.0.0.2", second.port()),
                     n -> Script.accepting().withFault(new Fault.BrokenTls()));
             DnsResponder dns = twoExchangers()) {
            Outcome outcome = transport(dns, second.port()).deliver(ENVELOPE, Envelopes.mailboxes("a@example.net"),
                    body(), new DeliveryTrace()).getFirst();

            assertThat(first.commands()).contains("STARTTLS");
            assertThat(first.received()).isEmpty();
            assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
            assertThat(outcome.diagnostic()).startsWith("mx2.example.net[127.0.0.3] said: 250");
            assertThat(second.received()).singleElement().satisfies(m -> assertThat(m.text()).isEqualTo(MESSAGE));
        }
    }

    /**
     * The other half of the rule: a failed opportunistic handshake is not followed by plain text on the same
     * connection; with no other address left the mail is deferred, and the next attempt, remembering the failure,
     * goes to that server in plain text (as Postfix does), so that a server with broken TLS still gets its mail.
     */
    @Test
    void failedOpportunisticHandshakeDefersAndTheNextAttemptGoesInPlainText() throws Exception {
        try (FakeSmtpServer broken = fake(Script.accepting().withFault(new Fault.BrokenTls()));
             DnsResponder dns = twoExchangers()) {
            SmtpTransport transport = transport(dns, broken.port());
            Outcome first = transport.deliver(ENVELOPE, Envelopes.mailboxes("a@example.net"), body(),
                    new DeliveryTrace()).getFirst();

            assertThat(first).isInstanceOf(Outcome.Deferred.class);
            assertThat(first.diagnostic()).startsWith("451 4.4.1 ").contains("mx2.example.net[127.0.0.3]");
            assertThat(broken.connections()).isEqualTo(1);
            assertThat(broken.received()).isEmpty();

            // The next attempt remembers the failed handshake: no STARTTLS, the message goes in plain text.
            Outcome second = transport.deliver(ENVELOPE, Envelopes.mailboxes("a@example.net"), body(),
                    new DeliveryTrace()).getFirst();
            assertThat(second).isInstanceOf(Outcome.Delivered.class);
            assertThat(broken.connections()).isEqualTo(2);
            assertThat(broken.commands().stream().filter("STARTTLS"::equals)).hasSize(1);
            assertThat(broken.received()).singleElement().satisfies(m -> assertThat(m.text()).isEqualTo(MESSAGE));

            // And the plain-text session is kept for the next message like any other.
            Outcome third = transport.deliver(ENVELOPE, Envelopes.mailboxes("b@example.net"), body(),
                    new DeliveryTrace()).getFirst();
            assertThat(third).isInstanceOf(Outcome.Delivered.class);
            assertThat(broken.connections()).isEqualTo(2);
            assertThat(broken.received()).hasSize(2);
        }
    }

    /** RFC 5321 5.1 with RFC 3596: an exchanger whose only address is an AAAA record is reached over IPv6. */
    @Test
    void anExchangerWithOnlyAnIpv6AddressIsReachedOverIpv6() throws Exception {
        InetAddress loopback6 = InetAddress.getByName("::1");
        Assumptions.assumeTrue(bindable(loopback6), "::1 is not usable on this machine");
        try (FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress(loopback6, 0),
                n -> Script.accepting());
             DnsResponder dns = DnsResponder.builder().zone("v6.test").mx("v6.test", 10, "mx.v6.test")
                     .aaaa("mx.v6.test", "::1").start()) {
            Outcome outcome = transport(dns, server.port()).deliver(ENVELOPE, Envelopes.mailboxes("a@v6.test"),
                    body(), new DeliveryTrace()).getFirst();

            assertThat(outcome).isInstanceOf(Outcome.Delivered.class);
            // The diagnostic is what the mail log's "delivered" line shows: the host and the IPv6 address used.
            String diagnostic = outcome.diagnostic();
            assertThat(diagnostic).startsWith("mx.v6.test[").contains("] said: 250");
            String shown = diagnostic.substring("mx.v6.test[".length(), diagnostic.indexOf(']'));
            assertThat(InetAddress.getByName(shown)).isEqualTo(loopback6);
            assertThat(server.received()).singleElement().satisfies(m -> {
                assertThat(m.recipients()).containsExactly("a@v6.test");
                assertThat(m.text()).isEqualTo(MESSAGE);
            });
        }
    }

    private static boolean bindable(InetAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
