package dev.posthorn.mta.bounce;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One delivery status notification: {@code multipart/report; report-type=delivery-status} (RFC 3462, RFC 3464) with
 * a human-readable part, the machine-readable {@code message/delivery-status} part (or {@code
 * message/global-delivery-status} when an address needs UTF-8, RFC 6533), and the original message or only its
 * headers. Written as a stream: the original is copied through, never held in memory. The MIME boundary is random
 * and occurs nowhere in the content ({@link Boundary}).
 *
 * @param reportingMta    this MTA's host name (Reporting-MTA, and the From domain)
 * @param id              a unique id for the report's Message-ID (its queue id)
 * @param recipient       where the report goes: the original message's envelope sender
 * @param envelopeId      the original ENVID (RFC 3461 4.4), if any
 * @param arrivalDate     when the original message arrived (Arrival-Date)
 * @param recipients      one entry per recipient reported on
 * @param returnFull      whether to attach the whole original (RET=FULL) or only its headers
 * @param date            when the report is made
 * @param withheld        whether the original is left out altogether (the report has no third part, which RFC 3462
 *                        allows): for a message sent with REQUIRETLS, whose content must not travel where its sender
 *                        did not allow (RFC 8689 5)
 */
public record DeliveryReport(String reportingMta, String id, String recipient, Optional<String> envelopeId,
                             Instant arrivalDate, List<RecipientReport> recipients, boolean returnFull, Instant date,
                             boolean withheld) {

    private static final DateTimeFormatter RFC_5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.systemDefault());

    public DeliveryReport {
        Objects.requireNonNull(reportingMta, "reportingMta");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(envelopeId, "envelopeId");
        Objects.requireNonNull(arrivalDate, "arrivalDate");
        Objects.requireNonNull(date, "date");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a report covers at least one recipient");
        }
        if (recipient.isEmpty()) {
            throw new IllegalArgumentException("no report is sent to the null reverse path (RFC 3464 2, RFC 5321 6.1)");
        }
    }

    /** A report with the original, whole or its headers. */
    public DeliveryReport(String reportingMta, String id, String recipient, Optional<String> envelopeId,
                          Instant arrivalDate, List<RecipientReport> recipients, boolean returnFull, Instant date) {
        this(reportingMta, id, recipient, envelopeId, arrivalDate, recipients, returnFull, date, false);
    }

    /** Whether the report needs SMTPUTF8 (an address in it is not ASCII). */
    public boolean needsUtf8() {
        return !isAscii(recipient) || recipients.stream().anyMatch(r -> !isAscii(r.finalRecipient())
                || r.originalRecipient().map(o -> !isAscii(o)).orElse(false));
    }

    /**
     * The original message (headers and body, CRLF line ends), opened twice: once to make sure the MIME boundary
     * occurs nowhere in it, once to copy it into the report.
     */
    @FunctionalInterface
    public interface Original {
        InputStream open() throws IOException;
    }

    /**
     * Writes the report, with a random MIME boundary that occurs nowhere in its content ({@link Boundary}).
     *
     * @param original the original message; read to its end, or up to the end of its headers when only those are
     *                 returned
     */
    public void writeTo(OutputStream out, Original original) throws IOException {
        writeTo(out, original, Boundary::random);
    }

    /** Writes the report, with the first of {@code boundaries} that occurs nowhere in its content. */
    void writeTo(OutputStream out, Original original, Supplier<String> boundaries) throws IOException {
        boolean global = needsUtf8();
        StringBuilder human = new StringBuilder(1024);
        HumanText.append(human, this);
        StringBuilder fields = new StringBuilder(1024);
        Fields.append(fields, this, global);
        String boundary = Boundary.choose(boundaries, human + "\r\n" + fields, sink -> {
            if (!withheld) {
                try (InputStream in = original.open()) {
                    copyOriginal(in, sink);
                }
            }
        });
        out.write(head(boundary, global, human, fields).getBytes(StandardCharsets.UTF_8));
        boolean endsWithCrlf = true; // the delivery-status part ends with its empty line
        if (!withheld) {
            try (InputStream in = original.open()) {
                endsWithCrlf = copyOriginal(in, out);
            }
        }
        out.write(((endsWithCrlf ? "" : "\r\n") + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Everything before the original: the report's header fields, the two parts made here, the third's header. */
    private String head(String boundary, boolean global, CharSequence human, CharSequence fields) {
        StringBuilder head = new StringBuilder(2048);
        line(head, "From: Mail Delivery System <MAILER-DAEMON@" + reportingMta + ">");
        line(head, "To: <" + Fields.oneLine(recipient) + ">");
        line(head, "Subject: " + subject());
        line(head, "Date: " + RFC_5322.format(date));
        line(head, "Message-ID: <" + id + ".dsn@" + reportingMta + ">");
        line(head, "Auto-Submitted: auto-replied");
        line(head, "MIME-Version: 1.0");
        line(head, "Content-Type: multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"");
        line(head, "");
        line(head, "This is a MIME-encapsulated delivery status notification.");
        line(head, "");
        line(head, "--" + boundary);
        line(head, "Content-Type: text/plain; charset=utf-8");
        line(head, "Content-Transfer-Encoding: 8bit");
        line(head, "Content-Description: Notification");
        line(head, "");
        head.append(human);
        line(head, "");
        line(head, "--" + boundary);
        line(head, "Content-Type: message/" + (global ? "global-" : "") + "delivery-status");
        line(head, "Content-Description: Delivery report");
        line(head, "");
        head.append(fields);
        if (withheld) {
            return head.toString();
        }
        line(head, "--" + boundary);
        line(head, "Content-Type: " + (returnFull ? (global ? "message/global" : "message/rfc822")
                : (global ? "message/global-headers" : "text/rfc822-headers")));
        line(head, "Content-Description: " + (returnFull ? "Undelivered message" : "Undelivered message headers"));
        line(head, "Content-Transfer-Encoding: 8bit");
        line(head, "");
        return head.toString();
    }

    /** Copies what the third part holds: the whole original, or its header section; whether that ends a line. */
    private boolean copyOriginal(InputStream in, OutputStream out) throws IOException {
        return returnFull ? copyAll(in, out) : copyHeaders(in, out);
    }

    private String subject() {
        return switch (recipients.getFirst().action()) {
            case FAILED -> "Undelivered Mail Returned to Sender";
            case DELAYED -> "Delayed Mail (still being retried)";
            default -> "Successful Mail Delivery Report";
        };
    }

    private static boolean copyAll(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        int last = -1;
        int previous = -1;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (n > 0) {
                out.write(buffer, 0, n);
                previous = n > 1 ? buffer[n - 2] : last;
                last = buffer[n - 1];
            }
        }
        return last == '\n' && previous == '\r';
    }

    /** Copies the header section, up to the empty line that ends it; whether what was written ends a line. */
    private static boolean copyHeaders(InputStream original, OutputStream out) throws IOException {
        InputStream in = new java.io.BufferedInputStream(original);
        boolean lineStart = true;
        int c;
        while ((c = in.read()) >= 0) {
            if (lineStart && c == '\n') {
                return true;
            }
            if (lineStart && c == '\r') {
                int next = in.read();
                if (next == '\n' || next < 0) {
                    return true;
                }
                out.write(c);
                c = next;
            }
            out.write(c);
            lineStart = c == '\n';
        }
        return lineStart;
    }

    static void line(StringBuilder out, String text) {
        out.append(text).append("\r\n");
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }
}
