package dev.posthorn.junit;

import dev.posthorn.smtp.LogText;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.opentest4j.AssertionFailedError;

/**
 * Fluent checks on one {@link CapturedMail}; each failure is an {@link AssertionFailedError} with the expected and
 * actual values (IDEs show them side by side) and the message it was about:
 *
 * <pre>{@code
 * MailAssert.assertThat(smtp.awaitMessage())
 *         .hasSubject("Your receipt")
 *         .isFrom("shop@example.com")
 *         .hasRecipient("alice@example.org")
 *         .textContains("Total: 12.00")
 *         .hasAttachment("receipt.pdf");
 * }</pre>
 *
 * <p>Header checks look at the message's fields; envelope checks at what the client said in MAIL and RCPT.
 */
public final class MailAssert {

    private final CapturedMail mail;

    private MailAssert(CapturedMail mail) {
        this.mail = Objects.requireNonNull(mail, "mail");
    }

    public static MailAssert assertThat(CapturedMail mail) {
        return new MailAssert(mail);
    }

    /** The Subject (decoded) is exactly {@code subject}. */
    public MailAssert hasSubject(String subject) {
        return check(mail.subject().equals(subject), "Subject", subject, mail.subject());
    }

    public MailAssert subjectContains(String part) {
        return check(mail.subject().contains(part), "Subject containing", part, mail.subject());
    }

    /** {@code address} is in the From field. */
    public MailAssert isFrom(String address) {
        return check(contains(mail.from(), address), "From", address, mail.from());
    }

    /** {@code address} is in the To or Cc field. */
    public MailAssert hasRecipient(String address) {
        List<String> visible = java.util.stream.Stream.concat(mail.to().stream(), mail.cc().stream()).toList();
        return check(contains(visible, address), "a recipient in To or Cc", address, visible);
    }

    /** MAIL FROM was {@code address} (the empty string for {@code <>}). */
    public MailAssert hasEnvelopeSender(String address) {
        boolean same = address.isEmpty() ? mail.envelopeSender().isEmpty()
                : !mail.envelopeSender().isEmpty() && Addresses.same(mail.envelopeSender(), address);
        return check(same, "envelope sender (MAIL FROM)", address, mail.envelopeSender());
    }

    /** {@code address} was among the accepted RCPT TO addresses. */
    public MailAssert hasEnvelopeRecipient(String address) {
        return check(contains(mail.envelopeRecipients(), address), "envelope recipient (RCPT TO)", address,
                mail.envelopeRecipients());
    }

    /** The text/plain body contains {@code part}. */
    public MailAssert textContains(String part) {
        return body("text/plain body containing", mail.text(), part);
    }

    /** The text/html body contains {@code part}. */
    public MailAssert htmlContains(String part) {
        return body("text/html body containing", mail.html(), part);
    }

    /** An attachment has the file name {@code name}. */
    public MailAssert hasAttachment(String name) {
        List<String> names = mail.attachments().stream().map(Attachment::name).toList();
        return check(names.contains(name), "an attachment named", name, names);
    }

    /** An attachment has the file name {@code name} and the media type {@code contentType} (without parameters). */
    public MailAssert hasAttachment(String name, String contentType) {
        List<String> found = mail.attachments().stream().map(Attachment::toString).toList();
        boolean present = mail.attachments().stream()
                .anyMatch(a -> a.name().equals(name) && a.contentType().equalsIgnoreCase(contentType));
        return check(present, "an attachment", name + " (" + contentType + ")", found);
    }

    public MailAssert hasAttachmentCount(int count) {
        int actual = mail.attachments().size();
        return check(actual == count, "number of attachments", count, actual);
    }

    /** A field named {@code name} is present. */
    public MailAssert hasHeader(String name) {
        return check(!mail.headers(name).isEmpty(), "a header field", name, "none");
    }

    /** A field named {@code name} has exactly {@code value} (unfolded). */
    public MailAssert hasHeader(String name, String value) {
        List<String> values = mail.headers(name);
        return check(values.contains(value), "header field " + name, value, values);
    }

    /** The message came over TLS. */
    public MailAssert wasSentOverTls() {
        return check(mail.tls(), "TLS", "TLS", "plaintext");
    }

    /** The client authenticated as {@code user}. */
    public MailAssert wasAuthenticatedAs(String user) {
        Optional<String> actual = mail.authenticatedUser();
        return check(actual.filter(user::equals).isPresent(), "AUTH identity", user, actual.orElse("(no AUTH)"));
    }

    /** The client greeted with {@code name} in EHLO or HELO. */
    public MailAssert hasHeloName(String name) {
        return check(name.equalsIgnoreCase(mail.heloName()), "EHLO/HELO name", name, mail.heloName());
    }

    private MailAssert body(String what, Optional<String> body, String part) {
        return check(body.filter(b -> b.contains(part)).isPresent(), what, part, body.orElse("(no such part)"));
    }

    private static boolean contains(List<String> addresses, String address) {
        return addresses.stream().anyMatch(a -> Addresses.same(a, address));
    }

    private MailAssert check(boolean holds, String what, Object expected, Object actual) {
        if (!holds) {
            // Peer text in a failure message: escaped, so a hostile message cannot forge lines of the report.
            throw new AssertionFailedError("expected " + what + ": " + LogText.escape(String.valueOf(expected))
                    + "\n but was: " + LogText.escape(String.valueOf(actual)) + "\nin message " + mail,
                    expected, actual);
        }
        return this;
    }
}
