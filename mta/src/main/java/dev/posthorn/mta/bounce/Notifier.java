package dev.posthorn.mta.bounce;

import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.DeliveryState.Status;
import dev.posthorn.mta.spool.MessageWriter;
import dev.posthorn.mta.spool.Origin;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.Xtext;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** The envelope parameter marking a queued report: {@code report} to a sender, {@code postmaster} after one. */
    public static final String KIND = "dsn";

    private static final Pattern STATUS = Pattern.compile("\\b([245]\\.\\d{1,3}\\.\\d{1,3})\\b");
    /** How transports name the server that answered: {@code host[address] said: } or {@code host[address] (TLS) said: }. */
    private static final Pattern REMOTE =
            Pattern.compile("^([A-Za-z0-9.-]+)\\[[0-9A-Fa-f.:]+\\](?: \\([^)]*\\))? said: ");

    private final Spool spool;
    private final String hostname;
    private final String postmaster;
    private final Supplier<String> ids;
    private final long fullReturnLimit;
    private final UntrustedReports untrusted;

    /**
     * @param postmaster      where notices about undeliverable reports go
     * @param ids             new queue ids
     * @param fullReturnLimit the largest original returned whole for RET=FULL; larger ones return headers only
     * @param untrusted       the reports for mail from clients that were neither trusted nor authenticated
     */
    public Notifier(Spool spool, String hostname, String postmaster, Supplier<String> ids, long fullReturnLimit,
                    UntrustedReports untrusted) {
        this.spool = spool;
        this.hostname = hostname;
        this.postmaster = postmaster;
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
        boolean courtesy = untrusted != UntrustedReports.NONE || Origin.of(envelope) != Origin.UNTRUSTED;
        List<Integer> failed = new ArrayList<>();
        List<Integer> delivered = new ArrayList<>();
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < after.recipients().size(); i++) {
            Status was = before.recipients().get(i).status();
            Status is = after.recipients().get(i).status();
            String notify = envelope.recipients().get(i).notifications();
            if (was == Status.PENDING && is == Status.FAILED && wants(notify, "FAILURE", true)) {
                failed.add(i);
            } else if (was == Status.PENDING && is == Status.DELIVERED && wants(notify, "SUCCESS", false)
                    && successes.containsKey(i) && courtesy) {
                delivered.add(i);
            } else if (is == Status.PENDING && wants(notify, "DELAY", true) && courtesy) {
                pending.add(i);
            }
        }
        List<QueuedMessage> reports = new ArrayList<>();
        List<RecipientReport.Action> kinds = new ArrayList<>();
        String kind = envelope.parameters().getOrDefault(KIND, "");
        if (!failed.isEmpty()) {
            report(message, after, failed, i -> RecipientReport.Action.FAILED, now).ifPresent(r -> {
                reports.add(r);
                kinds.add(RecipientReport.Action.FAILED);
            });
        }
        if (!delivered.isEmpty() && kind.isEmpty()) {
            report(message, after, delivered, successes::get, now).ifPresent(r -> {
                reports.add(r);
                kinds.add(successes.get(delivered.getFirst()));
            });
        }
        DeliveryState kept = after;
        if (!pending.isEmpty() && delayNoticeDue && !after.delayNoticeSent() && kind.isEmpty()) {
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

    /** RFC 3461 4.1: NEVER stands alone; no NOTIFY means the MTA's default (failures and delays). */
    private static boolean wants(String notify, String what, boolean byDefault) {
        if (notify.isEmpty()) {
            return byDefault;
        }
        return List.of(notify.split(",")).contains(what);
    }

    private Optional<QueuedMessage> report(QueuedMessage message, DeliveryState state, List<Integer> indexes,
                                           java.util.function.IntFunction<RecipientReport.Action> actions,
                                           Instant now) throws IOException {
        RecipientReport.Action action = actions.apply(indexes.getFirst());
        SpoolEnvelope envelope = message.envelope();
        String kind = envelope.parameters().getOrDefault(KIND, "");
        String to;
        String newKind;
        if (!envelope.sender().isEmpty()) {
            to = envelope.sender();
            newKind = "report";
        } else if (kind.isEmpty() || kind.equals("report")) {
            to = postmaster; // a report (or a message from <>) that failed: tell the postmaster, once
            newKind = "postmaster";
        } else {
            return Optional.empty(); // a notice to the postmaster failed: logged by the caller, never reported
        }
        if (action != RecipientReport.Action.FAILED && envelope.sender().isEmpty()) {
            return Optional.empty();
        }
        List<RecipientReport> recipients = new ArrayList<>();
        for (int i : indexes) {
            recipients.add(recipientReport(envelope.recipients().get(i), state.recipients().get(i), actions.apply(i),
                    now));
        }
        boolean full = !"HDRS".equals(envelope.parameters().get("ret")) && message.bodyLength() <= fullReturnLimit
                && (untrusted == UntrustedReports.FULL || Origin.of(envelope) != Origin.UNTRUSTED);
        String id = ids.get();
        DeliveryReport report = new DeliveryReport(hostname, id, to,
                Optional.ofNullable(envelope.parameters().get("envid")), envelope.receivedAt(), recipients, full, now);
        Map<String, String> parameters = new HashMap<>();
        parameters.put(KIND, newKind);
        parameters.put(Origin.PARAMETER, Origin.TRUSTED.keyword()); // made here: a report on it may quote it whole
        parameters.put("body", "8BITMIME");
        if (report.needsUtf8()) {
            parameters.put("smtputf8", "true");
        }
        try (MessageWriter writer = spool.writer(id)) {
            report.writeTo(writer.body(), () -> spool.body(message));
            return Optional.of(writer.commit(new SpoolEnvelope(id, now, "", parameters,
                    List.of(new SpoolEnvelope.Recipient(to, "rfc822;" + to, "")))));
        }
    }

    /** {@code type;xtext} as queued, to {@code type;address} as a report shows it (RFC 3464 2.3.1). */
    private static String decodeOriginal(String original) {
        int semi = original.indexOf(';');
        if (semi < 0) {
            return original;
        }
        try {
            return original.substring(0, semi) + ";" + Xtext.decode(original.substring(semi + 1));
        } catch (IllegalArgumentException e) {
            return original;
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
        String decoded = decodeOriginal(recipient.original());
        Optional<String> original = decoded.isEmpty() || decoded.equalsIgnoreCase("rfc822;" + recipient.address())
                ? Optional.empty() : Optional.of(decoded);
        return new RecipientReport(recipient.address(), original, action, code, remoteMta,
                reply.isEmpty() ? Optional.empty() : Optional.of(reply), now);
    }
}
