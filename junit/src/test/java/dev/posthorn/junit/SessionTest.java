package dev.posthorn.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.util.Properties;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** STARTTLS, implicit TLS and AUTH as Angus Mail sees them, and the envelope and session facts captured with them. */
class SessionTest {

    @Nested
    class StartTlsWithUsers {
        @RegisterExtension
        final SmtpCapture smtp = SmtpCapture.builder().hostname("mx.example.test").startTls()
                .user("app", "secret").build();

        @Test
        void aClientThatLogsInOverStartTlsIsCaptured() throws Exception {
            Send.text(smtp.session("app", "secret"), "app@example.com", "user@example.org", "tls", "Hi");

            CapturedMail mail = smtp.awaitMessage();
            assertThat(mail.tls()).isTrue();
            assertThat(mail.tlsInfo()).get().extracting(t -> t.protocol()).isEqualTo("TLSv1.3");
            assertThat(mail.authenticatedUser()).hasValue("app");
            MailAssert.assertThat(mail).wasSentOverTls().wasAuthenticatedAs("app");
            assertThat(mail.header("Received")).get().asString().contains("by mx.example.test");
            assertThat(smtp.certificate()).get().extracting(c -> c.getSubjectX500Principal().getName())
                    .isEqualTo("CN=mx.example.test");
        }

        @Test
        void aWrongPasswordIsRefused() {
            assertThatThrownBy(() -> Send.text(smtp.session("app", "wrong"), "app@example.com", "user@example.org",
                    "no", "Hi")).isInstanceOf(AuthenticationFailedException.class);
            assertThat(smtp.messages()).isEmpty();
        }

        @Test
        void mailWithoutAuthIsRefusedWhenUsersAreGiven() {
            assertThatThrownBy(() -> Send.text(smtp.session(), "app@example.com", "user@example.org", "no", "Hi"))
                    .isInstanceOf(MessagingException.class)
                    .hasMessageContaining("530");
            assertThat(smtp.messages()).isEmpty();
        }

        @Test
        void aClientThatDoesNotTrustTheCertificateCannotSend() {
            Properties properties = smtp.properties();
            properties.remove("mail.smtp.ssl.socketFactory");
            assertThatThrownBy(() -> Send.text(Session.getInstance(properties), "app@example.com",
                    "user@example.org", "no", "Hi")).isInstanceOf(MessagingException.class);
            assertThat(smtp.messages()).isEmpty();
        }
    }

    @Nested
    class ImplicitTls {
        @RegisterExtension
        final SmtpCapture smtp = SmtpCapture.builder().implicitTls().build();

        @Test
        void aClientSpeakingTlsFromTheFirstByteIsCaptured() throws Exception {
            assertThat(smtp.smtpUrl()).isEqualTo("smtps://127.0.0.1:" + smtp.port());
            Send.text(smtp.session("anyone", "anything"), "app@example.com", "user@example.org", "smtps", "Hi");

            MailAssert.assertThat(smtp.awaitMessage()).wasSentOverTls().wasAuthenticatedAs("anyone");
        }
    }

    @Nested
    class Plain {
        @RegisterExtension
        final SmtpCapture smtp = SmtpCapture.builder().maxMessageSize(2000).build();

        @Test
        void anyCredentialsAreAcceptedWithoutUsers() throws Exception {
            Send.text(smtp.session("whoever", "whatever"), "app@example.com", "user@example.org", "auth", "Hi");

            CapturedMail mail = smtp.awaitMessage();
            assertThat(mail.authenticatedUser()).hasValue("whoever");
            assertThat(mail.tls()).isFalse();
        }

        @Test
        void theEnvelopeIsWhatTheClientSaid() throws Exception {
            Properties properties = smtp.properties();
            properties.put("mail.smtp.localhost", "client.example");
            properties.put("mail.smtp.from", "<>");
            Send.text(Session.getInstance(properties), "app@example.com", "user@example.org", "bounce", "Hi");

            CapturedMail mail = smtp.awaitMessage();
            assertThat(mail.envelopeSender()).isEmpty();
            assertThat(mail.envelopeRecipients()).containsExactly("user@example.org");
            assertThat(mail.heloName()).isEqualTo("client.example");
            assertThat(mail.client().getAddress().isLoopbackAddress()).isTrue();
            assertThat(mail.authenticatedUser()).isEmpty();
            assertThat(mail.envelope().id()).isNotBlank();
            MailAssert.assertThat(mail).hasEnvelopeSender("").hasHeloName("client.example");
            assertThat(smtp.smtpUrl()).isEqualTo("smtp://127.0.0.1:" + smtp.port());
            assertThat(smtp.address().getPort()).isEqualTo(smtp.port());
            assertThat(smtp.host()).isEqualTo("127.0.0.1");
            assertThat(smtp.certificate()).isEmpty();
        }

        @Test
        void aMessageOverTheSizeLimitIsRefusedAndNotCaptured() {
            assertThatThrownBy(() -> Send.text(smtp.session(), "app@example.com", "user@example.org", "big",
                    "x".repeat(5000))).isInstanceOf(MessagingException.class).hasMessageContaining("552");
            assertThat(smtp.messages()).isEmpty();
        }
    }
}
