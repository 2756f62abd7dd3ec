package dev.posthorn.mta.bounce;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The machine-readable part of a report (RFC 3464 2.2 and 2.3), one field a line, every value on one line. */
final class Fields {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.systemDefault());

    private Fields() {
    }

    static void append(StringBuilder out, DeliveryReport report, boolean global) {
        DeliveryReport.line(out, "Reporting-MTA: dns; " + oneLine(report.reportingMta()));
        report.envelopeId().ifPresent(id -> DeliveryReport.line(out, "Original-Envelope-Id: " + oneLine(id)));
        DeliveryReport.line(out, "Arrival-Date: " + DATE.format(report.arrivalDate()));
        for (RecipientReport r : report.recipients()) {
            DeliveryReport.line(out, "");
            r.originalRecipient().ifPresent(o -> DeliveryReport.line(out, "Original-Recipient: " + oneLine(o)));
            String type = global && !DeliveryReport.isAscii(r.finalRecipient()) ? "utf-8" : "rfc822";
            DeliveryReport.line(out, "Final-Recipient: " + type + "; " + oneLine(r.finalRecipient()));
            DeliveryReport.line(out, "Action: " + r.action().field());
            DeliveryReport.line(out, "Status: " + r.status());
            r.remoteMta().ifPresent(m -> DeliveryReport.line(out, "Remote-MTA: dns; " + oneLine(m)));
            r.diagnostic().ifPresent(d -> DeliveryReport.line(out, "Diagnostic-Code: smtp; " + oneLine(d)));
            DeliveryReport.line(out, "Last-Attempt-Date: " + DATE.format(r.lastAttempt()));
        }
        DeliveryReport.line(out, "");
    }

    /**
     * Quoted text on one line: control characters become spaces, so no value can start a new field, header or
     * MIME part; at most 900 characters, within RFC 5322's line limit.
     */
    static String oneLine(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 900));
        for (int i = 0; i < text.length() && out.length() < 900; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return out.toString().strip();
    }
}
