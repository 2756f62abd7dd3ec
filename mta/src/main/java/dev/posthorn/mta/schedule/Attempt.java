package dev.posthorn.mta.schedule;

import dev.posthorn.mta.bounce.RecipientReport;
import dev.posthorn.mta.delivery.DeliveryTrace;
import dev.posthorn.mta.delivery.Outcome;
import dev.posthorn.mta.delivery.ReceivedCount;
import dev.posthorn.mta.maillog.MailLog;
import dev.posthorn.mta.routing.Destination;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.Route;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.MessageBody;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.LogText;
import dev.posthorn.smtp.Mailbox;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One delivery attempt of one message: routes each pending recipient, delivers local ones (each Maildir copy on its
 * own, all recipients at one LMTP server in one transaction) and folds the outcomes into a new state.
 *
 * <p>A recipient delivered into a Maildir is recorded in the spool at once when more deliveries of the message follow
 * in this attempt, so that a crash in between does not deliver it again after the restart. A message whose only (or
 * last) delivery is local writes nothing here: it is removed from the spool next, and a state file would only cost an
 * fsync on the common path. (A crash between the last delivery and that removal still delivers again; only a
 * duplicate check at the mailbox could close it.) The price of the early record is a lost success notice for a
 * recipient recorded just before a crash: a duplicate is the worse failure.
 */
final class Attempt {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Attempt.class);

    private final QueuedMessage message;
    private final Spool spool;
    private final Router router;
    private final QueueRunner.LocalTransports transports;
    private final Map<Integer, List<Outcome>> outcomes = new LinkedHashMap<>();
    private final Map<LocalDelivery.Lmtp, List<Integer>> lmtpIndexes = new LinkedHashMap<>();
    private final Map<LocalDelivery.Lmtp, List<Mailbox>> lmtpAddresses = new LinkedHashMap<>();
    private final Map<String, List<Integer>> remoteIndexes = new LinkedHashMap<>();
    private final Map<String, List<Mailbox>> remoteAddresses = new LinkedHashMap<>();
    private final Map<Integer, RecipientReport.Action> successes = new HashMap<>();
    /** What each recipient went through in this attempt, for the history and the metrics. */
    private final Map<Integer, List<Tried>> tried = new LinkedHashMap<>();
    private final Map<String, DeliveryTrace> traces = new HashMap<>();
    /** Recipients with a copy for LMTP or SMTP, delivered after the loop over all recipients. */
    private final java.util.Set<Integer> gathered = new java.util.HashSet<>();
    private final MessageBody body;
    private DeliveryState progress;
    private boolean progressUnsaved;
    private boolean saved;

    Attempt(QueuedMessage message, Spool spool, Router router, QueueRunner.LocalTransports transports) {
        this.message = message;
        this.spool = spool;
        this.router = router;
        this.transports = transports;
        this.body = spool.content(message);
    }

    /** Routed as at RCPT time: the local part unquoted, an address literal remote. */
    private static Route route(Router router, SpoolEnvelope.Recipient recipient) {
        return router.route(ForwardPath.of(recipient.address()));
    }

    DeliveryState run() throws IOException {
        DeliveryState state = message.state();
        progress = state;
        int received = receivedCount();
        boolean looping = received > transports.maxReceivedHeaders();
        for (int i = 0; i < state.recipients().size(); i++) {
            if (state.recipients().get(i).status() == DeliveryState.Status.PENDING) {
                if (looping) {
                    add(i, "none", "mail loop", null, new Outcome.Failed(
                            "554 5.4.6 mail loop: " + received + " Received header fields (RFC 5321 6.3)"));
                } else {
                    plan(i);
                    recordLocal(i);
                }
            }
        }
        if (!remoteIndexes.isEmpty() || !lmtpIndexes.isEmpty()) {
            saveProgress();
        }
        deliverRemote();
        for (Map.Entry<LocalDelivery.Lmtp, List<Integer>> group : lmtpIndexes.entrySet()) {
            List<Outcome> results = transports.lmtp(group.getKey()).deliver(message.envelope(),
                    lmtpAddresses.get(group.getKey()), body, new DeliveryTrace());
            for (int k = 0; k < results.size(); k++) {
                add(group.getValue().get(k), "lmtp", "lmtp " + group.getKey().target(), null, results.get(k));
            }
        }
        for (Map.Entry<Integer, List<Outcome>> entry : outcomes.entrySet()) {
            state = record(state, entry.getKey(), entry.getValue());
        }
        return state;
    }

    /** Whether this attempt wrote the message's state file (so it has one even before its first full attempt). */
    boolean savedState() {
        return saved;
    }

    /**
     * Notes recipient {@code index} as delivered when its every copy went into a mailbox already, and records that
     * in the spool when another pending recipient follows (see the class comment).
     */
    private void recordLocal(int index) {
        List<Outcome> results = outcomes.get(index);
        if (results == null || gathered.contains(index)
                || !results.stream().allMatch(o -> o instanceof Outcome.Delivered)) {
            return;
        }
        progress = progress.with(index, DeliveryState.Status.DELIVERED,
                String.join("; ", results.stream().map(Outcome::diagnostic).toList()));
        progressUnsaved = true;
        for (int j = index + 1; j < progress.recipients().size(); j++) {
            if (progress.recipients().get(j).status() == DeliveryState.Status.PENDING) {
                saveProgress();
                return;
            }
        }
    }

    /** Records the progress so far; a failure only loses the early record, never the attempt. */
    private void saveProgress() {
        if (progressUnsaved) {
            try {
                spool.save(message.id(), progress);
                saved = true;
            } catch (IOException e) {
                log.warn("{}: could not record delivery progress: {}", message.id(), LogText.escape(e));
            }
            progressUnsaved = false;
        }
    }

    /** Delivers a Maildir destination at once; gathers LMTP destinations; notes the rest. */
    private void plan(int index) {
        SpoolEnvelope.Recipient recipient = message.envelope().recipients().get(index);
        switch (route(router, recipient)) {
            case Route.Remote remote -> planRemote(index, recipient.address());
            case Route.Unknown unknown -> add(index, "none", "unknown mailbox", null,
                    new Outcome.Failed("550 5.1.1 mailbox unknown"));
            case Route.Local local -> {
                for (Destination destination : local.destinations()) {
                    plan(index, destination);
                }
            }
        }
    }

    private void plan(int index, Destination destination) {
        switch (destination) {
            case Destination.Forward forward -> planRemote(index, forward.path());
            case Destination.Mailbox mailbox -> {
                switch (mailbox.domain().delivery()) {
                    case LocalDelivery.Maildir maildir -> add(index, "maildir", "maildir " + mailbox.address(), null,
                            transports.maildir(maildir, mailbox).deliver(message.envelope(),
                                    List.of(mailbox.path()), body, new DeliveryTrace()).getFirst());
                    case LocalDelivery.Discard discard -> add(index, "discard", "discard", null,
                            new Outcome.Delivered("discarded"));
                    case LocalDelivery.Lmtp lmtp -> {
                        lmtpIndexes.computeIfAbsent(lmtp, x -> new ArrayList<>()).add(index);
                        gathered.add(index);
                        lmtpAddresses.computeIfAbsent(lmtp, x -> new ArrayList<>()).add(mailbox.path());
                    }
                }
            }
        }
    }

    /** The Received count the receiver recorded; read from the message only for messages queued without it. */
    private int receivedCount() throws IOException {
        if (message.envelope().receivedCount().isPresent()) {
            return message.envelope().receivedCount().getAsInt();
        }
        try (InputStream in = body.open()) {
            return ReceivedCount.of(in);
        }
    }

    /** Gathers a recipient in another domain by domain, for one SMTP transaction per domain. */
    private void planRemote(int index, Mailbox address) {
        String domain = address.host().text().toLowerCase(Locale.ROOT);
        remoteIndexes.computeIfAbsent(domain, x -> new ArrayList<>()).add(index);
        gathered.add(index);
        remoteAddresses.computeIfAbsent(domain, x -> new ArrayList<>()).add(address);
    }

    private void deliverRemote() {
        for (Map.Entry<String, List<Integer>> group : remoteIndexes.entrySet()) {
            DeliveryTrace trace = new DeliveryTrace();
            traces.put(group.getKey(), trace);
            List<Outcome> results = transports.remote().deliver(message.envelope(),
                    remoteAddresses.get(group.getKey()), body, trace);
            String transport = trace.route().startsWith("route to " + dev.posthorn.mta.routing.RouteTarget.LMTP) ? "lmtp"
                    : "smtp";
            for (int k = 0; k < results.size(); k++) {
                add(group.getValue().get(k), transport, trace.route(), trace, results.get(k));
            }
        }
    }

    /**
     * One copy of one recipient through one transport in this attempt.
     *
     * @param transport {@code smtp}, {@code lmtp}, {@code maildir}, {@code discard}, or {@code none} (no transport
     *                  was reached: unknown mailbox, loop)
     * @param route     how it went, for the operator
     * @param trace     what an SMTP delivery went through; null for the others
     * @param outcome   what became of it
     */
    record Tried(String transport, String route, DeliveryTrace trace, Outcome outcome) {
    }

    private void add(int index, String transport, String how, DeliveryTrace trace, Outcome outcome) {
        outcomes.computeIfAbsent(index, x -> new ArrayList<>()).add(outcome);
        tried.computeIfAbsent(index, x -> new ArrayList<>()).add(new Tried(transport, how, trace, outcome));
    }

    /** What each recipient tried in this attempt went through, by recipient index. */
    Map<Integer, List<Tried>> tried() {
        return tried;
    }

    /** The traces of this attempt's SMTP deliveries, one per destination domain. */
    java.util.Collection<DeliveryTrace> traces() {
        return traces.values();
    }

    /**
     * What a success report (NOTIFY=SUCCESS) says of each recipient this attempt delivered: "relayed" when a copy
     * went to an SMTP server that did not take the DSN request, else "delivered" when a copy reached a mailbox. A
     * recipient whose every copy went to servers that took the request is absent: they report (RFC 3461 5.2.2).
     */
    Map<Integer, RecipientReport.Action> successes() {
        return Map.copyOf(successes);
    }

    /** A recipient is delivered when every copy is; failed when a copy failed and none waits; else pending. */
    private DeliveryState record(DeliveryState state, int index, List<Outcome> results) {
        String address = message.envelope().recipients().get(index).address().toString();
        Outcome deferred = results.stream().filter(o -> o instanceof Outcome.Deferred).findFirst().orElse(null);
        Outcome failed = results.stream().filter(o -> o instanceof Outcome.Failed).findFirst().orElse(null);
        if (deferred != null) {
            MailLog.deferred(message.id(), address, deferred.diagnostic());
            return state.with(index, DeliveryState.Status.PENDING, deferred.diagnostic());
        }
        if (failed != null) {
            MailLog.failed(message.id(), address, failed.diagnostic());
            return state.with(index, DeliveryState.Status.FAILED, failed.diagnostic());
        }
        String how = String.join("; ", results.stream().map(Outcome::diagnostic).toList());
        MailLog.delivered(message.id(), address, how);
        List<Outcome.Handover> handovers = results.stream().map(o -> ((Outcome.Delivered) o).handover()).toList();
        if (handovers.contains(Outcome.Handover.RELAYED)) {
            successes.put(index, RecipientReport.Action.RELAYED);
        } else if (handovers.contains(Outcome.Handover.FINAL)) {
            successes.put(index, RecipientReport.Action.DELIVERED);
        }
        return state.with(index, DeliveryState.Status.DELIVERED, how);
    }
}
