package dev.posthorn.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.Reply;
import org.junit.jupiter.api.Test;

/** The one reading of a server's reply to a recipient, for SMTP and LMTP alike (RFC 5321 4.2.1, RFC 2033 4.2). */
class OutcomeTest {

    @Test
    void aPositiveReplyIsDeliveredWithItsHandover() {
        assertThat(Outcome.of("mx.example.net[192.0.2.1] (TLSv1.3)", Reply.of(250, "2.0.0", "ok"),
                Outcome.Handover.PASSED_ON)).isEqualTo(new Outcome.Delivered(
                "mx.example.net[192.0.2.1] (TLSv1.3) said: 250 2.0.0 ok", Outcome.Handover.PASSED_ON));
    }

    @Test
    void aTransientFailureIsDeferredAndAPermanentOneFailed() {
        assertThat(Outcome.of("LMTP unix:/run/lmtp", Reply.of(452, "4.2.2", "mailbox full"), Outcome.Handover.FINAL))
                .isEqualTo(new Outcome.Deferred("LMTP unix:/run/lmtp said: 452 4.2.2 mailbox full"));
        assertThat(Outcome.of("LMTP unix:/run/lmtp", Reply.of(550, "5.1.1", "no such user"), Outcome.Handover.FINAL))
                .isEqualTo(new Outcome.Failed("LMTP unix:/run/lmtp said: 550 5.1.1 no such user"));
    }
}
