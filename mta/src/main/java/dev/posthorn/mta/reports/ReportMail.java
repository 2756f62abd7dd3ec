package dev.posthorn.mta.reports;

import dev.posthorn.mailauth.dmarc.AggregateReport;
import dev.posthorn.mta.tlsrpt.TlsReport;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;

/**
 * The mail that carries one report, gzipped as an attachment beside a short text part for people, under the subject
 * {@code Report Domain: <domain> Submitter: <submitter> Report-ID: <id>} both kinds use:
 * <ul>
 *   <li>DMARC (RFC 7489 7.2.1.1): {@code multipart/mixed}, {@code application/gzip},
 *       {@code receiver!domain!begin!end.xml.gz};</li>
 *   <li>TLS (RFC 8460 5.3): {@code multipart/report; report-type="tlsrpt"}, {@code application/tlsrpt+gzip},
 *       {@code submitter!domain!begin!end.json.gz}, and the fields {@code TLS-Report-Domain} and
 *       {@code TLS-Report-Submitter}.</li>
 * </ul>
 * The same report goes to every destination; only the To field and the Message-ID differ.
 */
final class ReportMail {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** What writes a report's document. */
    @FunctionalInterface
    interface Document {
        void writeTo(OutputStream out) throws IOException;
    }

    private final String subject;
    private final String text;
    private final byte[] gzipped;
    private final String mediaType;
    private final String fileName;
    private final Map<String, String> fields;
    private final String reportType;
    private final String id;
    private final String hostname;
    private final Instant now;

    private ReportMail(String subject, String text, byte[] gzipped, String mediaType, String fileName,
                       Map<String, String> fields, String reportType, String id, String hostname, Instant now) {
        this.subject = subject;
        this.text = text;
        this.gzipped = gzipped;
        this.mediaType = mediaType;
        this.fileName = fileName;
        this.fields = fields;
        this.reportType = reportType;
        this.id = id;
        this.hostname = hostname;
        this.now = now;
    }

    static ReportMail dmarc(AggregateReport report, String hostname, String orgName, Instant now) throws IOException {
        AggregateReport.Metadata meta = report.metadata();
        return new ReportMail(subject(report.policyDomain(), hostname, meta.reportId()),
                "This is a DMARC aggregate report (RFC 7489) from " + orgName + " for " + report.policyDomain()
                        + ",\r\ncovering " + UTC.format(meta.begin()) + " to " + UTC.format(meta.end()) + ".\r\n",
                gzip(report::writeTo), "application/gzip", report.fileName(hostname) + ".gz", Map.of(), "",
                meta.reportId(), hostname, now);
    }

    static ReportMail tls(TlsReport report, String domain, String hostname, Instant now) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("TLS-Report-Domain", domain);
        fields.put("TLS-Report-Submitter", hostname);
        return new ReportMail(subject(domain, hostname, report.reportId()),
                "This is an SMTP TLS report (RFC 8460) from " + report.organization() + " for " + domain
                        + ",\r\ncovering " + UTC.format(report.start()) + " to " + UTC.format(report.end())
                        + ".\r\n",
                gzip(report::writeTo), "application/tlsrpt+gzip", report.fileName(hostname, domain) + ".gz", fields,
                "tlsrpt", report.reportId(), hostname, now);
    }

    private static String subject(String domain, String submitter, String reportId) {
        return "Report Domain: " + domain + " Submitter: " + submitter + " Report-ID: <" + reportId + ">";
    }

    private static byte[] gzip(Document document) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            document.writeTo(gzip);
        }
        return out.toByteArray();
    }

    /** The gzipped report, as an HTTPS destination gets it and a size limit measures it. */
    byte[] gzipped() {
        return gzipped.clone();
    }

    long size() {
        return gzipped.length;
    }

    /** The whole message for one destination, CRLF line ends. */
    byte[] message(String from, String to) throws IOException {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom(from);
            message.setRecipients(MimeMessage.RecipientType.TO, to);
            message.setSubject(subject, "UTF-8");
            message.setSentDate(Date.from(now));
            MimeBodyPart textPart = new MimeBodyPart();
            textPart.setText(text, "UTF-8");
            MimeBodyPart attachment = new MimeBodyPart();
            attachment.setDataHandler(new jakarta.activation.DataHandler(
                    new ByteArrayDataSource(gzipped, mediaType)));
            attachment.setFileName(fileName);
            attachment.setDisposition(MimeBodyPart.ATTACHMENT);
            // Made as multipart/mixed even for a report: Angus Mail's handler for multipart/report writes only its own
            // MultipartReport (a DSN); the Content-Type field below names the report type over the same boundary.
            MimeMultipart parts = new MimeMultipart(textPart, attachment);
            message.setContent(parts);
            message.saveChanges();
            // After saveChanges, which would make its own: one id per report and destination, readable in logs.
            message.setHeader("Message-ID", "<" + id.replace('@', '.') + "." + Integer.toHexString(to.hashCode())
                    + "@" + hostname + ">");
            if (!reportType.isEmpty()) {
                message.setHeader("Content-Type", parts.getContentType().replaceFirst("^multipart/mixed",
                        "multipart/report") + "; report-type=\"" + reportType + "\"");
            }
            for (Map.Entry<String, String> field : fields.entrySet()) {
                message.setHeader(field.getKey(), field.getValue());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(gzipped.length * 4 / 3 + 2048);
            message.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException e) {
            throw new IOException("composing the report mail: " + e.getMessage(), e);
        }
    }
}
