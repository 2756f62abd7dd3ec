package dev.posthorn.mta.bounce;

/** The human-readable part of a report: what happened, per recipient, in plain words. */
final class HumanText {

    private HumanText() {
    }

    static void append(StringBuilder out, DeliveryReport report) {
        DeliveryReport.line(out, "This is the mail system at host " + report.reportingMta() + ".");
        DeliveryReport.line(out, "");
        switch (report.recipients().getFirst().action()) {
            case FAILED -> {
                DeliveryReport.line(out, "Your message could not be delivered to one or more recipients.");
                DeliveryReport.line(out, report.withheld()
                        ? "It was sent with REQUIRETLS, so it is not attached. The mail system said:"
                        : "It is attached below. The mail system said:");
            }
            case DELAYED -> {
                DeliveryReport.line(out, "Your message could not be delivered yet. This is only a warning:");
                DeliveryReport.line(out, "the mail system will keep trying; you need not send it again.");
            }
            default -> DeliveryReport.line(out, "Your message was delivered as you asked to be told:");
        }
        DeliveryReport.line(out, "");
        for (RecipientReport r : report.recipients()) {
            String reason = r.diagnostic().map(Fields::oneLine).orElse("status " + r.status());
            DeliveryReport.line(out, "<" + Fields.oneLine(r.finalRecipient()) + ">: " + r.action().field()
                    + r.remoteMta().map(m -> " (at " + Fields.oneLine(m) + ")").orElse("") + ": " + reason);
        }
        if (report.recipients().stream().anyMatch(r -> r.action() == RecipientReport.Action.RELAYED)) {
            DeliveryReport.line(out, "");
            DeliveryReport.line(out, "Relayed means handed to a mail system that sends no delivery reports:");
            DeliveryReport.line(out, "you will hear no more of it from there, unless it fails.");
        }
    }
}
