package dev.posthorn.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.server.Chaos;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faults set through the extension, as the sending client sees them. */
class ChaosTest {

    @RegisterExtension
    final SmtpCapture smtp = SmtpCapture.create();

    @Test
    void aRcptRuleIsTheReplyTheClientGets() throws Exception {
        smtp.chaos().set(Chaos.parse("rcpt:reply=451 4.3.0 Busy"));

        assertThatThrownBy(() -> Send.text(smtp.session(), "app@example.com", "user@example.org", "busy", "Hi"))
                .isInstanceOf(SendFailedException.class)
                .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("451 4.3.0 Busy"));
        assertThat(smtp.messages()).isEmpty();

        smtp.chaos().clear(Chaos.Stage.RCPT);
        Send.text(smtp.session(), "app@example.com", "user@example.org", "calm", "Hi");
        assertThat(smtp.awaitMessage().subject()).isEqualTo("calm");
    }

    @Test
    void aRefusalAtTheEndOfDataCapturesNothing() {
        smtp.chaos().set(Chaos.parse("end-of-data:reply=554 5.6.0 Rejected"));

        assertThatThrownBy(() -> Send.text(smtp.session(), "app@example.com", "user@example.org", "no", "Hi"))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("554 5.6.0 Rejected");
        assertThat(smtp.messages()).isEmpty();
    }

    @Test
    void aDisconnectAtMailFailsTheSend() {
        smtp.chaos().set(Chaos.parse("mail:disconnect"));

        assertThatThrownBy(() -> Send.text(smtp.session(), "app@example.com", "user@example.org", "no", "Hi"))
                .isInstanceOf(MessagingException.class);
        assertThat(smtp.messages()).isEmpty();
    }

    @Nested
    class Seeded {
        @RegisterExtension
        final SmtpCapture seeded = SmtpCapture.builder().chaosSeed(42).build();

        @RegisterExtension
        final SmtpCapture sameSeed = SmtpCapture.builder().chaosSeed(42).build();

        @Test
        void theSameSeedGivesTheSameFaults() {
            List<Boolean> first = outcomes(seeded);
            List<Boolean> second = outcomes(sameSeed);

            assertThat(first).isEqualTo(second).contains(true, false);
            assertThat(seeded.chaos().seed()).isEqualTo(42);
        }
    }

    /** Ten sends with RCPT refused half the time: which went through. */
    private static List<Boolean> outcomes(SmtpCapture capture) {
        capture.chaos().set(Chaos.parse("rcpt:reply=451 4.3.0 Maybe:p=0.5"));
        List<Boolean> delivered = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            try {
                Send.text(capture.session(), "app@example.com", "user@example.org", "n" + i, "Hi");
                delivered.add(true);
            } catch (MessagingException e) {
                delivered.add(false);
            }
        }
        return delivered;
    }
}
