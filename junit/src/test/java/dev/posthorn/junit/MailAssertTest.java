package dev.posthorn.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

/** Each check of {@link MailAssert}, holding and failing, on one message with text, HTML and an attachment. */
class MailAssertTest {

    /** Binary (every octet value), so the sender encodes it in base64 and the bytes must come back exactly. */
    private static final byte[] PDF = new byte[256];

    static {
        for (int i = 0; i < PDF.length; i++) {
            PDF[i] = (byte) i;
        }
    }

    @RegisterExtension
    final SmtpCapture smtp = SmtpCapture.create();

    private CapturedMail mail;

    @BeforeEach
    void sendOne() throws Exception {
        Send.rich(smtp.session(), PDF);
        mail = smtp.awaitMessage();
    }

    @Test
    void theMessageIsParsed() throws Exception {
        assertThat(mail.subject()).isEqualTo("Your receipt für März");
        assertThat(mail.from()).containsExactly("shop@example.com");
        assertThat(mail.to()).containsExactly("alice@example.org");
        assertThat(mail.cc()).containsExactly("carol@example.org");
        assertThat(mail.text()).hasValue("Total: 12.00 EUR");
        assertThat(mail.html()).hasValue("<p>Total: <b>12.00</b> EUR</p>");
        assertThat(mail.attachments()).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("receipt.pdf");
            assertThat(a.contentType()).isEqualTo("application/pdf");
            assertThat(a.bytes()).isEqualTo(PDF);
        });
        assertThat(mail.header("X-Campaign")).hasValue("spring");
        assertThat(mail.header("X-Missing")).isEmpty();
        assertThat(new String(mail.rawBytes(), StandardCharsets.US_ASCII)).startsWith("Received: ");
        assertThat(mail.size()).isEqualTo(mail.rawBytes().length);
        assertThat(mail.mimeMessage().getSize()).isPositive();
    }

    @Test
    void everyCheckPassesOnWhatTheMessageHas() {
        MailAssert.assertThat(mail)
                .hasSubject("Your receipt für März")
                .subjectContains("receipt")
                .isFrom("shop@example.com")
                .hasRecipient("alice@example.org")
                .hasRecipient("carol@EXAMPLE.org")
                .hasEnvelopeSender("shop@example.com")
                .hasEnvelopeRecipient("alice@example.org")
                .hasEnvelopeRecipient("carol@example.org")
                .textContains("12.00")
                .htmlContains("<b>12.00</b>")
                .hasAttachment("receipt.pdf")
                .hasAttachment("receipt.pdf", "application/pdf")
                .hasAttachmentCount(1)
                .hasHeader("X-Campaign")
                .hasHeader("X-Campaign", "spring");
    }

    @Test
    void subjectChecksFailWithExpectedAndActual() {
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasSubject("Invoice"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("expected Subject: Invoice")
                .hasMessageContaining("but was: Your receipt für März")
                .satisfies(e -> {
                    AssertionFailedError failure = (AssertionFailedError) e;
                    assertThat(failure.getExpected().getValue()).isEqualTo("Invoice");
                    assertThat(failure.getActual().getValue()).isEqualTo("Your receipt für März");
                });
        assertThatThrownBy(() -> MailAssert.assertThat(mail).subjectContains("invoice"))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("Subject containing: invoice");
    }

    @Test
    void addressChecksFail() {
        assertThatThrownBy(() -> MailAssert.assertThat(mail).isFrom("alice@example.org"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("expected From: alice@example.org")
                .hasMessageContaining("[shop@example.com]");
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasRecipient("bob@example.org"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("[alice@example.org, carol@example.org]");
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasRecipient("ALICE@example.org"))
                .as("the local part is compared exactly (RFC 5321 2.4)")
                .isInstanceOf(AssertionFailedError.class);
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasEnvelopeSender("other@example.com"))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("MAIL FROM");
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasEnvelopeSender(""))
                .isInstanceOf(AssertionFailedError.class);
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasEnvelopeRecipient("bob@example.org"))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("RCPT TO");
    }

    @Test
    void bodyChecksFail() {
        assertThatThrownBy(() -> MailAssert.assertThat(mail).textContains("13.00"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("text/plain body containing: 13.00")
                .hasMessageContaining("but was: Total: 12.00 EUR");
        assertThatThrownBy(() -> MailAssert.assertThat(mail).htmlContains("<i>"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("text/html body containing: <i>");
    }

    @Test
    void attachmentChecksFail() {
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasAttachment("invoice.pdf"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("an attachment named: invoice.pdf")
                .hasMessageContaining("[receipt.pdf]");
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasAttachment("receipt.pdf", "text/plain"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("receipt.pdf (application/pdf)");
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasAttachmentCount(2))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("number of attachments: 2");
    }

    @Test
    void headerChecksFail() {
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasHeader("X-Missing"))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("a header field: X-Missing");
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasHeader("X-Campaign", "autumn"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("header field X-Campaign: autumn")
                .hasMessageContaining("[spring]");
    }

    @Test
    void sessionChecksFailOnAPlaintextSessionWithoutAuth() {
        assertThatThrownBy(() -> MailAssert.assertThat(mail).wasSentOverTls())
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("but was: plaintext");
        assertThatThrownBy(() -> MailAssert.assertThat(mail).wasAuthenticatedAs("app"))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("(no AUTH)");
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasHeloName("client.example"))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("EHLO/HELO name");
    }

    @Test
    void aFailureNamesTheMessage() {
        assertThatThrownBy(() -> MailAssert.assertThat(mail).hasSubject("x"))
                .hasMessageContaining("in message #1 from <shop@example.com> to [alice@example.org, carol@example.org]");
    }
}
