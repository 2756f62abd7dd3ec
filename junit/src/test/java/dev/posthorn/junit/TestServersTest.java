package dev.posthorn.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The DNS responder and the fake server started through the extension, and closed after the test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestServersTest {

    @RegisterExtension
    static final SmtpCapture smtp = SmtpCapture.create();

    private static InetSocketAddress fakeAddress;

    @Test
    @Order(1)
    void codeThatLooksUpTheMxFindsTheCapture() throws Exception {
        DnsResponder dns = smtp.dns(DnsResponder.builder().zone("example.test")
                .mx("example.test", 10, "mx.example.test").a("mx.example.test", "127.0.0.1"));

        // What an application's own MX lookup would do, given the responder as its resolver.
        String host = lookup(dns, "example.test", Type.MX, MXRecord.class).getTarget().toString(true);
        String address = lookup(dns, host, Type.A, ARecord.class).getAddress().getHostAddress();
        Properties properties = smtp.properties();
        properties.put("mail.smtp.host", address);
        Send.text(Session.getInstance(properties), "app@example.com", "user@example.test", "via MX", "Hi");

        assertThat(address).isEqualTo(smtp.host());
        MailAssert.assertThat(smtp.awaitMessage()).hasEnvelopeRecipient("user@example.test");
        assertThat(dns.queryCount()).isEqualTo(2);
    }

    @Test
    @Order(2)
    void aFakeServerPlaysARefusingPeer() throws Exception {
        FakeSmtpServer fake = smtp.fakeServer(FakeSmtpServer.Script.accepting()
                .withRcpt("gone@example.org", Reply.of(550, "5.1.1", "No such user")));
        fakeAddress = fake.address();
        Properties properties = smtp.properties();
        properties.put("mail.smtp.port", Integer.toString(fake.port()));

        assertThatThrownBy(() -> Send.text(Session.getInstance(properties), "app@example.com", "gone@example.org",
                "no", "Hi"))
                .isInstanceOf(SendFailedException.class)
                .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("550 5.1.1 No such user"));
        assertThat(fake.commands()).anyMatch(c -> c.startsWith("RCPT TO:<gone@example.org>"));
        assertThat(smtp.messages()).isEmpty();
    }

    @Test
    @Order(3)
    void theFakeServerWasClosedAfterItsTest() {
        assertThat(fakeAddress).isNotNull();
        // Refused, or (with tests running in parallel) another server that took the free port since: not the fake.
        assertThat(greetingAt(fakeAddress)).doesNotContain("fake.test");
    }

    private static String greetingAt(InetSocketAddress address) {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(5000);
            return new String(socket.getInputStream().readNBytes(20), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "refused: " + e;
        }
    }

    private static <T extends Record> T lookup(DnsResponder dns, String name, int type, Class<T> kind)
            throws Exception {
        Lookup lookup = new Lookup(name, type);
        SimpleResolver resolver = new SimpleResolver(dns.address());
        lookup.setResolver(resolver);
        lookup.setCache(null);
        Record[] answers = lookup.run();
        assertThat(answers).as(lookup.getErrorString()).hasSize(1);
        return kind.cast(answers[0]);
    }
}
