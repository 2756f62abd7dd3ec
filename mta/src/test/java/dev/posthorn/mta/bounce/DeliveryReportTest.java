package dev.posthorn.mta.bounce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.junit.jupiter.api.Test;

/** Delivery status notifications, parsed back with Angus Mail's MIME and DSN parsers. */
class DeliveryReportTest {

    private static final String ORIGINAL = "From: sender@client.test\r\nTo: alice@posthorn.test\r\n"
            + "Subject: original\r\nMessage-ID: <orig@client.test>\r\n\r\nThe body.\r\n";
    private static final Instant WHEN = Instant.parse("2026-11-23T10:00:00Z");

    private static RecipientReport failed(String address, String diagnostic) {
        return new RecipientReport(address, Optional.of("rfc822;" + address), RecipientReport.Action.FAILED, "5.1.1",
                Optional.of("mx.remote.test"), Optional.of(diagnostic), WHEN);
    }

    private static MimeMessage render(DeliveryReport report) throws Exception {
        return render(report, ORIGINAL);
    }

    private static MimeMessage render(DeliveryReport report, String original) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.writeTo(out, () -> new ByteArrayInputStream(original.getBytes(StandardCharsets.UTF_8)));
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(out.toByteArray()));
    }

    private static DeliveryReport report(List<RecipientReport> recipients, boolean full) {
        return new DeliveryReport("mx.posthorn.test", "01ABC", "sender@client.test", Optional.of("QQ314159"),
                WHEN.minusSeconds(3600), recipients, full, WHEN);
    }

    @Test
    void failureReportParsesWithTheRightFields() throws Exception {
        MimeMessage dsn = render(report(List.of(failed("bob@remote.test", "550 5.1.1 <bob@remote.test>: no such user")),
                true));
        assertThat(dsn.getContentType()).startsWith("multipart/report").contains("report-type=delivery-status");
        assertThat(dsn.getHeader("Auto-Submitted")).containsExactly("auto-replied");
        assertThat(dsn.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat((String) parts.getBodyPart(0).getContent()).contains("<bob@remote.test>: failed");

        BodyPart status = parts.getBodyPart(1);
        assertThat(status.getContentType()).isEqualTo("message/delivery-status");
        DeliveryStatus parsed = new DeliveryStatus(status.getInputStream());
        assertThat(parsed.getMessageDSN().getHeader("Reporting-MTA")).containsExactly("dns; mx.posthorn.test");
        assertThat(parsed.getMessageDSN().getHeader("Original-Envelope-Id")).containsExactly("QQ314159");
        assertThat(parsed.getRecipientDSNCount()).isEqualTo(1);
        InternetHeaders recipient = parsed.getRecipientDSN(0);
        assertThat(recipient.getHeader("Final-Recipient")).containsExactly("rfc822; bob@remote.test");
        assertThat(recipient.getHeader("Original-Recipient")).containsExactly("rfc822;bob@remote.test");
        assertThat(recipient.getHeader("Action")).containsExactly("failed");
        assertThat(recipient.getHeader("Status")).containsExactly("5.1.1");
        assertThat(recipient.getHeader("Remote-MTA")).containsExactly("dns; mx.remote.test");
        assertThat(recipient.getHeader("Diagnostic-Code"))
                .containsExactly("smtp; 550 5.1.1 <bob@remote.test>: no such user");

        BodyPart original = parts.getBodyPart(2);
        assertThat(original.getContentType()).isEqualTo("message/rfc822");
        assertThat(new String(original.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(ORIGINAL);
    }

    @Test
    void returnHeadersOnlyAttachesTheHeaderSection() throws Exception {
        MimeMessage dsn = render(report(List.of(failed("bob@remote.test", "550 no")), false));
        BodyPart headers = ((MimeMultipart) dsn.getContent()).getBodyPart(2);
        assertThat(headers.getContentType()).isEqualTo("text/rfc822-headers");
        String text = new String(headers.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(text).contains("Subject: original").doesNotContain("The body.");
    }

    @Test
    void severalRecipientsEachGetTheirFields() throws Exception {
        RecipientReport delayed = new RecipientReport("carol@remote.test", Optional.empty(),
                RecipientReport.Action.DELAYED, "4.4.1", Optional.empty(), Optional.of("connection timed out"), WHEN);
        MimeMessage dsn = render(report(List.of(failed("bob@remote.test", "550 no"), delayed), false));
        DeliveryStatus parsed = new DeliveryStatus(((MimeMultipart) dsn.getContent()).getBodyPart(1).getInputStream());
        assertThat(parsed.getRecipientDSNCount()).isEqualTo(2);
        assertThat(parsed.getRecipientDSN(1).getHeader("Action")).containsExactly("delayed");
        assertThat(parsed.getRecipientDSN(1).getHeader("Original-Recipient")).isNull();
    }

    @Test
    void hostileRemoteTextCannotAddFieldsOrParts() throws Exception {
        String evil = "550 no\r\nAction: delivered\r\n--=_posthorn_01ABC--\r\nX-Evil: yes";
        MimeMessage dsn = render(report(List.of(failed("bob@remote.test", evil)), false));
        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        DeliveryStatus parsed = new DeliveryStatus(parts.getBodyPart(1).getInputStream());
        assertThat(parsed.getRecipientDSN(0).getHeader("Action")).containsExactly("failed");
        assertThat(parsed.getRecipientDSN(0).getHeader("X-Evil")).isNull();
    }

    /**
     * The boundary once was {@code =_posthorn_} and the report's id, which a client could foresee from the ids in
     * earlier {@code queued as} replies: an original carrying that line (RFC 2046 5.1.1) added a part of its own.
     */
    @Test
    void anOriginalCarryingAForeseenBoundaryCannotAddAPart() throws Exception {
        String forged = "From: spammer@client.test\r\nSubject: your report\r\n\r\nSee below.\r\n"
                + "--=_posthorn_01ABC\r\nContent-Type: text/html\r\n\r\n<a href=\"http://evil.test/\">click</a>\r\n";
        MimeMessage dsn = render(report(List.of(failed("bob@remote.test", "550 no")), true), forged);
        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        BodyPart original = parts.getBodyPart(2);
        assertThat(original.getContentType()).isEqualTo("message/rfc822");
        assertThat(new String(original.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(forged);
    }

    @Test
    void aBoundaryThatOccursInTheOriginalIsReplacedByAnother() throws Exception {
        String original = "Subject: x\r\n\r\nonce upon a time\r\n";
        Iterator<String> candidates = List.of("once upon", "a time", "=_fresh").iterator();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report(List.of(failed("bob@remote.test", "550 no")), true).writeTo(out,
                () -> new ByteArrayInputStream(original.getBytes(StandardCharsets.UTF_8)), candidates::next);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("boundary=\"=_fresh\"", "\r\n--=_fresh--\r\n");
        assertThat(candidates).isExhausted();
    }

    @Test
    void aBoundaryThatOccursInTheStatusTextIsReplacedToo() throws Exception {
        Iterator<String> candidates = List.of("remote says", "=_fresh").iterator();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report(List.of(failed("bob@remote.test", "550 remote says no")), false).writeTo(out,
                () -> new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.UTF_8)), candidates::next);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("boundary=\"=_fresh\"");
    }

    @Test
    void eachReportHasItsOwnRandomBoundary() throws Exception {
        MimeMessage first = render(report(List.of(failed("bob@remote.test", "550 no")), true));
        MimeMessage second = render(report(List.of(failed("bob@remote.test", "550 no")), true));
        String boundary = new ContentType(first.getContentType()).getParameter("boundary");
        assertThat(boundary).matches("=_posthorn_[0-9a-f]{32}")
                .isNotEqualTo(new ContentType(second.getContentType()).getParameter("boundary"));
    }

    @Test
    void utf8AddressesMakeAGlobalReport() throws Exception {
        DeliveryReport report = report(List.of(failed("jösé@remote.test", "550 no")), true);
        assertThat(report.needsUtf8()).isTrue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.writeTo(out, () -> new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.UTF_8)));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Content-Type: message/global-delivery-status",
                "Final-Recipient: utf-8; jösé@remote.test", "Content-Type: message/global\r\n");
    }

    @Test
    void noReportToTheNullReversePath() {
        assertThatThrownBy(() -> new DeliveryReport("mx", "id", "", Optional.empty(), WHEN,
                List.of(failed("b@x.test", "550")), true, WHEN)).isInstanceOf(IllegalArgumentException.class);
    }
}
