package dev.posthorn.mta.reports;

import dev.posthorn.mta.dmarc.AggregateReport;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;

/**
 * The mail that carries one aggregate report (RFC 7489 7.2.1.1): the XML gzipped as an {@code application/gzip}
 * attachment named {@code receiver!domain!begin!end.xml.gz}, a short text part for people, and the subject
 * {@code Report Domain: <domain> Submitter: <receiver> Report-ID: <id>}. The same report goes to every destination;
 * only the To field differs.
 */
final class ReportMail {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final AggregateReport report;
    private final String hostname;
    private final String orgName;
    private final byte[] gzipped;
    private final Instant now;

    private ReportMail(AggregateReport report, String hostname, String orgName, byte[] gzipped, Instant now) {
        this.report = report;
        this.hostname = hostname;
        this.orgName = orgName;
        this.gzipped = gzipped;
        this.now = now;
    }

    static ReportMail of(AggregateReport report, String hostname, String orgName, Instant now) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            report.writeTo(gzip);
        }
        return new ReportMail(report, hostname, orgName, out.toByteArray(), now);
    }

    /** The gzipped report's size, which a destination's {@code !size} limit is compared with. */
    long size() {
        return gzipped.length;
    }

    /** The whole message for one destination, CRLF line ends. */
    byte[] message(String from, String to) throws IOException {
        AggregateReport.Metadata meta = report.metadata();
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom(from);
            message.setRecipients(MimeMessage.RecipientType.TO, to);
            message.setSubject("Report Domain: " + report.policyDomain() + " Submitter: " + hostname
                    + " Report-ID: <" + meta.reportId() + ">", "UTF-8");
            message.setSentDate(Date.from(now));
            MimeBodyPart text = new MimeBodyPart();
            text.setText("This is a DMARC aggregate report (RFC 7489) from " + orgName + " for "
                    + report.policyDomain() + ",\r\ncovering " + UTC.format(meta.begin()) + " to "
                    + UTC.format(meta.end()) + ".\r\n", "UTF-8");
            MimeBodyPart attachment = new MimeBodyPart();
            attachment.setDataHandler(new jakarta.activation.DataHandler(
                    new ByteArrayDataSource(gzipped, "application/gzip")));
            attachment.setFileName(report.fileName(hostname) + ".gz");
            attachment.setDisposition(MimeBodyPart.ATTACHMENT);
            message.setContent(new MimeMultipart(text, attachment));
            message.saveChanges();
            // After saveChanges, which would make its own: one id per report and destination, readable in logs.
            message.setHeader("Message-ID", "<" + meta.reportId().replace('@', '.') + "." + Integer.toHexString(
                    to.hashCode()) + "@" + hostname + ">");
            ByteArrayOutputStream out = new ByteArrayOutputStream(gzipped.length * 4 / 3 + 2048);
            message.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException e) {
            throw new IOException("composing the report mail: " + e.getMessage(), e);
        }
    }
}
