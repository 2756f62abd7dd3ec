package dev.posthorn.mta.bounce;

import dev.posthorn.mta.spool.DeliveryState.Status;
import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.MessageWriter;
import dev.posthorn.mta.spool.Origin;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.DsnReturn;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.ReversePath;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which delivery status notifications a delivery attempt calls for, and queues them as new messages from
 * the null reverse path (RFC 3461, RFC 3464, RFC 5321 6.1):
 * <ul>
 * <li>failure reports for recipients that failed for good, unless they asked NOTIFY=NEVER or not FAILURE;</li>
 * <li>one delay notice per message once it has waited long enough ({@code delayNoticeDue}), where NOTIFY asked for DELAY or was not
 * given;</li>
 * <li>success reports where NOTIFY asked for SUCCESS: "delivered" for a mailbox, "relayed" for an SMTP server that
 * did not take the DSN request (RFC 3461 5.2.3); none where the next hop took it and reports itself (5.2.2).</li>
 * </ul>
 * No report ever goes to the null reverse path. When a report itself cannot be delivered, the postmaster is told
 * once, and a notice to the postmaster that fails is only logged: reports never loop.
 *
 * <p>A message from a client that was neither trusted nor authenticated ({@link Origin#UNTRUSTED}) names a sender
 * nobody vouched for: what its sender gets is {@link UntrustedReports} (by default no success or delay reports, and
 * failure reports with the headers only), so that no client can have this MTA mail a body of its choosing to an
 * address of its choosing. Postfix operators get the same by withholding DSN from untrusted clients
 * ({@code smtpd_discard_ehlo_keyword_address_maps}).
 */
public final class Notifier {

    private static final Pattern STATUS = Pattern.compile("\\b([245]\\.\\d{1,3}\\.\\d{1,3})\\b");
    /** How transports name the server that answered: {@code host[address] said: } or {@code host[address] (TLS) said: }. */
    private static final Pattern REMOTE =
            Pattern.compile("^([A-Za-z0-9.-]+)\\[[0-9A-Fa-f.:]+\\](?: \\([^)]*\\))? said: ");

    private final Spool spool;
    private final String hostname;
    private final Mailbox postmaster;
    private final Supplier<String> ids;
    private final long fullReturnLimit;
    private final UntrustedReports untrusted;

    /**
     * @param postmaster      where notices about undeliverable reports go (a mailbox)
     * @param ids             new queue ids
     * @param fullReturnLimit the largest original returned whole for RET=FULL; larger ones return headers only
     * @param untrusted       the reports for mail from clients that were neither trusted nor authenticated
     */
    public Notifier(Spool spool, String hostname, String postmaster, Supplier<String> ids, long fullReturnLimit,
                    UntrustedReports untrusted) {
        this.spool = spool;
        this.hostname = hostname;
        this.postmaster = Mailbox.parse(postmaster, true);
        this.ids = ids;
        this.fullReturnLimit = fullReturnLimit;
        this.untrusted = untrusted;
    }

    /**
     * Queues the reports the change from {@code before} to {@code after} calls for, returning them (for delivery)
     * and the state to keep (with the delay notice noted when one was sent).
     *
     * @param successes for each recipient delivered since {@code before}, what a success report says of it
     *                  (delivered or relayed); one not named gets no success report from here
     * @param delayNoticeDue whether the message has waited long enough for a delay notice (the retry schedule's
     *                       {@code delayNotice} after arrival)
     */
    public Result notify(QueuedMessage message, DeliveryState before, DeliveryState after,
                         Map<Integer, RecipientReport.Action> successes, Instant now, boolean delayNoticeDue)
            throws IOException {
        SpoolEnvelope envelope = message.envelope();
        // Success and delay reports for a sender nobody vouched for would be mail of the client's making.
        boolean courtesy = untrusted != UntrustedReports.NONE || envelope.client().origin() != Origin.UNTRUSTED;
        List<Integer> failed = new ArrayList<>();
        List<Integer> delivered = new ArrayList<>();
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < after.recipients().size(); i++) {
            Status was = before.recipients().get(i).status();
            Status is = after.recipients().get(i).status();
            SpoolEnvelope.Recipient recipient = envelope.recipients().get(i);
            if (was == Status.PENDING && is == Status.FAILED && recipient.wants(DsnNotify.FAILURE)) {
                failed.add(i);
            } else if (was == Status.PENDING && is == Status.DELIVERED && recipient.wants(DsnNotify.SUCCESS)
                    && successes.containsKey(i) && courtesy) {
                delivered.add(i);
            } else if (is == Status.PENDING && recipient.wants(DsnNotify.DELAY) && courtesy) {
                pending.add(i);
            }
        }
        List<QueuedMessage> reports = new ArrayList<>();
        List<RecipientReport.Action> kinds = new ArrayList<>();
        boolean isReport = envelope.report().isPresent();
        if (!failed.isEmpty()) {
            report(message, after, failed, i -> RecipientReport.Action.FAILED, now).ifPresent(r -> {
                reports.add(r);
                kinds.add(RecipientReport.Action.FAILED);
            });
        }
        if (!delivered.isEmpty() && !isReport) {
            report(message, after, delivered, successes::get, now).ifPresent(r -> {
                reports.add(r);
                kinds.add(successes.get(delivered.getFirst()));
            });
        }
        DeliveryState kept = after;
        if (!pending.isEmpty() && delayNoticeDue && !after.delayNoticeSent() && !isReport) {
            report(message, after, pending, i -> RecipientReport.Action.DELAYED, now).ifPresent(r -> {
                reports.add(r);
                kinds.add(RecipientReport.Action.DELAYED);
            });
            kept = after.delayNoticed();
        }
        return new Result(reports, kept, kinds);
    }

    /**
     * @param reports the report messages now in the queue
     * @param state   the state to record for the original message
     * @param kinds   what each report tells (failed, delayed, delivered, relayed), in the order of {@code reports}
     */
    public record Result(List<QueuedMessage> reports, DeliveryState state, List<RecipientReport.Action> kinds) {
        public Result {
            reports = List.copyOf(reports);
            kinds = List.copyOf(kinds);
        }
    }

    private Optional<QueuedMessage> report(QueuedMessage message, DeliveryState state, List<Integer> indexes,
                                           java.util.function.IntFunction<RecipientReport.Action> actions,
                                           Instant now) throws IOException {
        RecipientReport.Action action = actions.apply(indexes.getFirst());
        SpoolEnvelope envelope = message.envelope();
        Optional<SpoolEnvelope.Report> kind = envelope.report();
        Mailbox to;
        SpoolEnvelope.Report newKind;
        if (!envelope.sender().isNull()) {
            to = envelope.sender().mailbox();
            newKind = SpoolEnvelope.Report.TO_SENDER;
        } else if (kind.isEmpty() || kind.get() == SpoolEnvelope.Report.TO_SENDER) {
            to = postmaster; // a report (or a message from <>) that failed: tell the postmaster, once
            newKind = SpoolEnvelope.Report.TO_POSTMASTER;
        } else {
            return Optional.empty(); // a notice to the postmaster failed: logged by the caller, never reported
        }
        if (action != RecipientReport.Action.FAILED && envelope.sender().isNull()) {
            return Optional.empty();
        }
        List<RecipientReport> recipients = new ArrayList<>();
        for (int i : indexes) {
            recipients.add(recipientReport(envelope.recipients().get(i), state.recipients().get(i), actions.apply(i),
                    now));
        }
        boolean full = envelope.parameters().ret().orElse(DsnReturn.FULL) != DsnReturn.HDRS
                && message.bodyLength() <= fullReturnLimit
                && (untrusted == UntrustedReports.FULL || envelope.client().origin() != Origin.UNTRUSTED);
        String id = ids.get();
        // RFC 8689 5: the report of a REQUIRETLS message must not carry its content where the sender did not allow.
        // Reports go from the null reverse path, to which RFC 8689 4.2.1's requirements do not apply, so no flag on
        // the report could keep later hops to them: the original (headers too) is left out instead.
        DeliveryReport report = new DeliveryReport(hostname, id, to.toString(), envelope.parameters().envelopeId(),
                envelope.receivedAt(), recipients, full, now, envelope.parameters().requireTls());
        SpoolEnvelope.Parameters parameters = new SpoolEnvelope.Parameters(BodyType.EIGHT_BIT_MIME,
                report.needsUtf8(), Optional.empty(), Optional.empty());
        try (MessageWriter writer = spool.writer(id)) {
            report.writeTo(writer.body(), () -> spool.body(message));
            // Made here: a report on it may quote it whole (Client.local()).
            return Optional.of(writer.commit(new SpoolEnvelope(id, now, ReversePath.NULL, parameters,
                    SpoolEnvelope.Client.local(), List.of(SpoolEnvelope.Recipient.of(to)), "", OptionalInt.empty(),
                    Optional.of(newKind))));
        }
    }

    private static RecipientReport recipientReport(SpoolEnvelope.Recipient recipient, DeliveryState.RecipientState s,
                                                   RecipientReport.Action action, Instant now) {
        String diagnostic = s.diagnostic();
        Matcher status = STATUS.matcher(diagnostic);
        String code = status.find() ? status.group(1)
                : action == RecipientReport.Action.FAILED ? "5.0.0"
                : action == RecipientReport.Action.DELAYED ? "4.0.0" : "2.0.0";
        Matcher remote = REMOTE.matcher(diagnostic);
        boolean named = remote.find();
        Optional<String> remoteMta = named ? Optional.of(remote.group(1)) : Optional.empty();
        String reply = named ? diagnostic.substring(remote.end()) : diagnostic;
        // As a report shows it, type;address (RFC 3464 2.3.1); only where it differs from the address delivered to.
        Optional<String> original = recipient.original().map(o -> o.addressType() + ";" + o.address())
                .filter(decoded -> !decoded.equalsIgnoreCase("rfc822;" + recipient.address()));
        return new RecipientReport(recipient.address().toString(), original, action, code, remoteMta,
                reply.isEmpty() ? Optional.empty() : Optional.of(reply), now);
    }
}
