package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.delivery.DeliveryTrace;
import dev.posthorn.mta.delivery.Lmtp;
import dev.posthorn.mta.delivery.Outcome;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.MessageBody;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The queued body type reaches an LMTP server as it reaches an SMTP server (one mapping, RFC 6152 and RFC 3030): an
 * 8-bit message says so in MAIL, and a binary one is never sent to a server that does not offer BINARYMIME and
 * CHUNKING (as DATA it would be damaged or taken for text).
 */
class LmtpBodyTypeTest {

    /** Not text: a bare CR and LF, a NUL, and a line that is a lone dot, which DATA would damage or end on. */
    private static final byte[] BINARY = "Subject: b\r\n\r\n\u0000\r.\n.\r\n\u00e9t\u00e9\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);

    private static List<Outcome> deliver(ScriptedLmtp server, String body, String... recipients) {
        Lmtp lmtp = new Lmtp(new Endpoint.Tcp("127.0.0.1", server.port()), "mx.posthorn.test",
                ClientTimeouts.all(Duration.ofSeconds(10)));
        List<String> to = recipients.length == 0 ? List.of("bob@posthorn.test") : List.of(recipients);
        SpoolEnvelope envelope = Envelopes.of("01BODY", Instant.now(), "s@far.test", to)
                .with(new SpoolEnvelope.Parameters(Stream.of(BodyType.values())
                        .filter(type -> type.keyword().equals(body)).findFirst().orElseThrow(), false,
                        Optional.empty(), Optional.empty()));
        byte[] message = body.equals("BINARYMIME") ? BINARY
                : "Subject: t\r\n\r\n\u00e9t\u00e9\r\n".getBytes(StandardCharsets.UTF_8);
        return lmtp.deliver(envelope, Envelopes.mailboxes(to.toArray(String[]::new)), MessageBody.of(message),
                new DeliveryTrace());
    }

    @Test
    void aBinaryMessageGoesInOneBdatToAServerThatOffersIt() throws Exception {
        try (ScriptedLmtp server = new ScriptedLmtp("127.0.0.1",
                (c, r) -> r.startsWith("bob") ? "250 2.0.0 delivered" : "452 4.2.2 mailbox full", true)) {
            List<Outcome> outcomes = deliver(server, "BINARYMIME", "bob@posthorn.test", "carol@posthorn.test");
            assertThat(outcomes).extracting(o -> o.getClass().getSimpleName())
                    .containsExactly("Delivered", "Deferred");
            assertThat(server.mails()).singleElement().asString().endsWith(" BODY=BINARYMIME");
            assertThat(server.messages()).singleElement().isEqualTo(BINARY);
        }
    }

    @Test
    void aBinaryMessageIsNotSentToAServerWithoutBinaryMime() throws Exception {
        try (ScriptedLmtp server = new ScriptedLmtp("127.0.0.1", (c, r) -> "250 2.0.0 delivered")) {
            List<Outcome> outcomes = deliver(server, "BINARYMIME");
            assertThat(outcomes).singleElement().isInstanceOf(Outcome.Failed.class)
                    .extracting(Outcome::diagnostic).asString().contains("5.6.3");
            assertThat(server.mails()).isEmpty();
            assertThat(server.delivered()).isEmpty();
        }
    }

    @Test
    void anEightBitMessageSaysSoInMail() throws Exception {
        try (ScriptedLmtp server = new ScriptedLmtp("127.0.0.1", (c, r) -> "250 2.0.0 delivered")) {
            assertThat(deliver(server, "8BITMIME")).singleElement().isInstanceOf(Outcome.Delivered.class);
            assertThat(server.mails()).singleElement().asString().endsWith(" BODY=8BITMIME");
        }
    }
}
