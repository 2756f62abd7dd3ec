package dev.posthorn.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

/** Waiting for messages, picking them by recipient, and starting over. */
class AwaitTest {

    @RegisterExtension
    final SmtpCapture smtp = SmtpCapture.create();

    @Test
    void aTimeoutSaysWhatWasCaptured() throws Exception {
        Send.text(smtp.session(), "app@example.com", "user@example.org", "hello", "Hi");

        assertThatThrownBy(() -> smtp.awaitMessages(2, Duration.ofMillis(300)))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessage("expected 2 messages within 300 ms, captured 1:\n"
                        + "  #1 from <app@example.com> to [user@example.org], Subject: \"hello\"")
                .satisfies(e -> assertThat(((AssertionFailedError) e).getActual().getValue()).isEqualTo(1));
    }

    @Test
    void aTimeoutWithNothingCapturedSaysSo() {
        assertThatThrownBy(() -> smtp.awaitMessages(1, Duration.ofMillis(100)))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessage("expected 1 message within 100 ms, captured none");
    }

    @Test
    void theWaitEndsWhenTheMessagesArriveFromAnotherThread() throws Exception {
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 1; i <= 3; i++) {
                    Send.text(smtp.session(), "app@example.com", "user@example.org", "n" + i, "Hi");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        List<CapturedMail> three = smtp.awaitMessages(3, Duration.ofSeconds(30));

        assertThat(three).extracting(CapturedMail::subject).containsExactly("n1", "n2", "n3");
        assertThat(three).extracting(CapturedMail::number).containsExactly(1, 2, 3);
        sending.join();
    }

    @Test
    void messagesToPicksByEnvelopeRecipientBccIncluded() throws Exception {
        MimeMessage message = new MimeMessage(smtp.session());
        message.setFrom(new InternetAddress("app@example.com"));
        message.setRecipients(Message.RecipientType.TO, "alice@example.org");
        message.setRecipients(Message.RecipientType.BCC, "bob@example.org");
        message.setSubject("to both");
        message.setText("Hi");
        Transport.send(message);
        Send.text(smtp.session(), "app@example.com", "carol@example.org", "to carol", "Hi");
        smtp.awaitMessages(2);

        assertThat(smtp.messagesTo("bob@EXAMPLE.org")).singleElement()
                .satisfies(m -> assertThat(m.to()).containsExactly("alice@example.org"))
                .satisfies(m -> assertThat(m.headers("Bcc")).isEmpty());
        assertThat(smtp.messagesTo("<carol@example.org>")).extracting(CapturedMail::subject)
                .containsExactly("to carol");
        assertThat(smtp.messagesTo("dave@example.org")).isEmpty();
    }

    @Test
    void resetDeletesTheMessagesAndNumbersStartAgain() throws Exception {
        Send.text(smtp.session(), "app@example.com", "user@example.org", "before", "Hi");
        CapturedMail before = smtp.awaitMessage();

        smtp.reset();

        assertThat(smtp.messages()).isEmpty();
        assertThatThrownBy(before::rawBytes).isInstanceOf(java.io.UncheckedIOException.class);
        Send.text(smtp.session(), "app@example.com", "user@example.org", "after", "Hi");
        assertThat(smtp.awaitMessage()).extracting(CapturedMail::number, CapturedMail::subject)
                .containsExactly(1, "after");
    }

    @Test
    void aCaptureThatIsNotRegisteredSaysHowToUseIt() {
        SmtpCapture loose = SmtpCapture.create();

        assertThatThrownBy(loose::port)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@RegisterExtension");
    }
}
