package dev.posthorn.mta.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.DeliveryState.Status;
import dev.posthorn.mta.spool.MessageWriter;
import dev.posthorn.mta.spool.Origin;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.server.TransactionId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which reports an attempt calls for (RFC 3461 4.1, RFC 5321 6.1), over a real spool on disk: NOTIFY is obeyed, a
 * delay notice needs DELAY (or no NOTIFY), and a report that cannot be delivered reaches the postmaster once, never
 * more. A sender nobody vouched for (the client was neither trusted nor authenticated) gets what
 * {@link UntrustedReports} allows. Messages are from a trusted client unless a test says otherwise.
 */
class NotifierTest {

    private static final Instant ARRIVAL = Instant.parse("2026-11-23T12:00:00Z");
    private static final Instant LATER = ARRIVAL.plus(Duration.ofHours(5));

    @TempDir
    Path dir;

    private Spool spool;
    private Notifier notifier;

    private void open() throws IOException {
        open(UntrustedReports.NONE);
    }

    private void open(UntrustedReports untrusted) throws IOException {
        spool = Spool.open(dir.resolve("spool"));
        notifier = new Notifier(spool, "mx.posthorn.test", "postmaster@posthorn.test", TransactionId::next,
                1_000_000, untrusted);
    }

    /**
     * A queued message from {@code sender} to each recipient, with its NOTIFY value (empty: none given), from a
     * trusted client unless {@code parameters} name the origin.
     */
    private QueuedMessage queued(String sender, Map<String, String> parameters, SpoolEnvelope.Recipient... to)
            throws IOException {
        if (spool == null) {
            open();
        }
        Map<String, String> withOrigin = new HashMap<>(parameters);
        withOrigin.putIfAbsent(Origin.PARAMETER, Origin.TRUSTED.keyword());
        String id = TransactionId.next();
        try (MessageWriter writer = spool.writer(id)) {
            writer.body().write("Subject: hello\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
            return writer.commit(new SpoolEnvelope(id, ARRIVAL, sender, withOrigin, List.of(to)));
        }
    }

    /** A message from sue@senders.test, sent by a client that was neither trusted nor authenticated. */
    private QueuedMessage untrusted(Map<String, String> parameters, SpoolEnvelope.Recipient... to) throws IOException {
        Map<String, String> withOrigin = new HashMap<>(parameters);
        withOrigin.put(Origin.PARAMETER, Origin.UNTRUSTED.keyword());
        return queued("sue@senders.test", withOrigin, to);
    }

    private Notifier.Result delivered(QueuedMessage message) throws IOException {
        DeliveryState after = message.state().with(0, Status.DELIVERED, "delivered to maildir");
        return notifier.notify(message, message.state(), after, Map.of(0, RecipientReport.Action.DELIVERED), LATER,
                false);
    }

    private static SpoolEnvelope.Recipient to(String address, String notify) {
        return new SpoolEnvelope.Recipient(address, "rfc822;" + address, notify);
    }

    private static DeliveryState failedAll(QueuedMessage message) {
        DeliveryState state = message.state();
        for (int i = 0; i < state.recipients().size(); i++) {
            state = state.with(i, Status.FAILED, "mx.far.test[127.0.0.3] said: 550 5.1.1 no such user");
        }
        return state;
    }

    private Notifier.Result failed(QueuedMessage message) throws IOException {
        return notifier.notify(message, message.state(), failedAll(message), Map.of(), LATER, false);
    }

    private String text(QueuedMessage report) throws IOException {
        try (InputStream in = spool.body(report)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void notifyNeverMeansNoReportEvenForAFailure() throws IOException {
        QueuedMessage message = queued("sue@senders.test", Map.of(), to("x@far.test", "NEVER"));
        Notifier.Result result = failed(message);
        assertThat(result.reports()).isEmpty();
        assertThat(notifier.notify(message, message.state(), message.state(), Map.of(), LATER, true).reports())
                .as("nor a delay notice").isEmpty();
    }

    @Test
    void onlyTheRecipientsThatAskedForFailuresAreReported() throws IOException {
        QueuedMessage message = queued("sue@senders.test", Map.of(), to("never@far.test", "NEVER"),
                to("plain@far.test", ""), to("success@far.test", "SUCCESS"), to("failure@far.test", "FAILURE,DELAY"));
        List<QueuedMessage> reports = failed(message).reports();
        assertThat(reports).hasSize(1);
        String report = text(reports.getFirst());
        assertThat(report).contains("Final-Recipient: rfc822; plain@far.test", "Final-Recipient: rfc822; failure@far.test")
                .doesNotContain("never@far.test", "success@far.test");
        assertThat(reports.getFirst().envelope().sender()).as("reports come from <>").isEmpty();
        assertThat(reports.getFirst().envelope().recipients()).extracting(SpoolEnvelope.Recipient::address)
                .containsExactly("sue@senders.test");
    }

    @Test
    void noDelayNoticeWhenNotifyIsGivenWithoutDelay() throws IOException {
        QueuedMessage message = queued("sue@senders.test", Map.of(), to("x@far.test", "FAILURE"),
                to("y@far.test", "SUCCESS,FAILURE"));
        Notifier.Result result = notifier.notify(message, message.state(), message.state(), Map.of(), LATER, true);
        assertThat(result.reports()).isEmpty();
        assertThat(result.state().delayNoticeSent()).isFalse();
    }

    @Test
    void aDelayNoticeGoesOutOnceWhenDelayIsAskedOrNotifyIsAbsent() throws IOException {
        QueuedMessage message = queued("sue@senders.test", Map.of(), to("x@far.test", "DELAY"),
                to("y@far.test", ""), to("z@far.test", "FAILURE"));
        assertThat(notifier.notify(message, message.state(), message.state(), Map.of(), ARRIVAL, false).reports())
                .as("not yet due").isEmpty();
        Notifier.Result first = notifier.notify(message, message.state(), message.state(), Map.of(), LATER, true);
        assertThat(first.reports()).hasSize(1);
        assertThat(text(first.reports().getFirst())).contains("Action: delayed", "rfc822; x@far.test",
                "rfc822; y@far.test").doesNotContain("z@far.test");
        assertThat(first.state().delayNoticeSent()).isTrue();
        Notifier.Result second = notifier.notify(message.with(first.state()), first.state(), first.state(), Map.of(),
                LATER.plusSeconds(3600), true);
        assertThat(second.reports()).as("one notice per message").isEmpty();
    }

    @Test
    void aFailedReportGoesToThePostmasterOnceAndAFailedPostmasterNoticeStopsThere() throws IOException {
        QueuedMessage original = queued("sue@senders.test", Map.of(), to("x@far.test", ""));
        QueuedMessage report = failed(original).reports().getFirst();
        assertThat(report.envelope().parameters()).containsEntry(Notifier.KIND, "report");

        List<QueuedMessage> toPostmaster = failed(report).reports();
        assertThat(toPostmaster).hasSize(1);
        QueuedMessage notice = toPostmaster.getFirst();
        assertThat(notice.envelope().sender()).isEmpty();
        assertThat(notice.envelope().parameters()).containsEntry(Notifier.KIND, "postmaster");
        assertThat(notice.envelope().recipients()).extracting(SpoolEnvelope.Recipient::address)
                .containsExactly("postmaster@posthorn.test");
        assertThat(text(notice)).contains("Final-Recipient: rfc822; sue@senders.test", "Action: failed");

        Notifier.Result last = failed(notice);
        assertThat(last.reports()).as("a failed notice to the postmaster is never reported: no loop").isEmpty();
        assertThat(notifier.notify(notice, notice.state(), notice.state(), Map.of(), LATER, true).reports())
                .as("nor delayed").isEmpty();
    }

    @Test
    void aMessageFromTheNullReversePathThatFailsIsToldToThePostmasterNotToNobody() throws IOException {
        QueuedMessage bounce = queued("", Map.of(), to("x@far.test", ""));
        List<QueuedMessage> reports = failed(bounce).reports();
        assertThat(reports).singleElement().satisfies(r -> assertThat(r.envelope().recipients().getFirst().address())
                .isEqualTo("postmaster@posthorn.test"));
        assertThat(notifier.notify(bounce, bounce.state(), bounce.state(), Map.of(), LATER, true).reports())
                .as("no delay notice for <>").isEmpty();
    }

    @Test
    void anUntrustedSenderGetsNoSuccessReport() throws IOException {
        QueuedMessage message = untrusted(Map.of("ret", "FULL"), to("alice@posthorn.test", "SUCCESS"));
        assertThat(delivered(message).reports()).isEmpty();
        QueuedMessage trusted = queued("sue@senders.test", Map.of("ret", "FULL"), to("alice@posthorn.test", "SUCCESS"));
        assertThat(delivered(trusted).reports()).as("a trusted client's sender gets it, with the body")
                .singleElement().satisfies(r -> assertThat(text(r)).contains("Action: delivered", "message/rfc822",
                        "\r\n\r\nbody\r\n"));
    }

    @Test
    void anUntrustedSenderGetsNoDelayNotice() throws IOException {
        QueuedMessage message = untrusted(Map.of(), to("x@far.test", "DELAY"), to("y@far.test", ""));
        Notifier.Result result = notifier.notify(message, message.state(), message.state(), Map.of(), LATER, true);
        assertThat(result.reports()).isEmpty();
    }

    @Test
    void anUntrustedSendersFailureReportCarriesTheHeadersOnlyEvenForRetFull() throws IOException {
        QueuedMessage message = untrusted(Map.of("ret", "FULL"), to("x@far.test", ""));
        assertThat(failed(message).reports()).singleElement().satisfies(report -> assertThat(text(report))
                .contains("Action: failed", "Content-Type: text/rfc822-headers", "Subject: hello")
                .doesNotContain("message/rfc822", "\r\nbody\r\n"));
    }

    @Test
    void anAuthenticatedUserGetsEveryReportAsAsked() throws IOException {
        QueuedMessage message = queued("sue@senders.test", Map.of("ret", "FULL", Origin.PARAMETER,
                Origin.AUTHENTICATED.keyword()), to("alice@posthorn.test", "SUCCESS"));
        assertThat(delivered(message).reports()).singleElement()
                .satisfies(r -> assertThat(text(r)).contains("message/rfc822", "\r\n\r\nbody\r\n"));
    }

    @Test
    void aMessageWithoutAKnownOriginCountsAsUntrusted() throws IOException {
        QueuedMessage message = queued("sue@senders.test", Map.of(Origin.PARAMETER, ""),
                to("alice@posthorn.test", "SUCCESS"));
        assertThat(delivered(message).reports()).isEmpty();
    }

    @Test
    void headersLetAnUntrustedSenderHaveEveryReportWithTheHeadersOnly() throws IOException {
        open(UntrustedReports.HEADERS);
        QueuedMessage message = untrusted(Map.of("ret", "FULL"), to("alice@posthorn.test", "SUCCESS"));
        assertThat(delivered(message).reports()).singleElement().satisfies(r -> assertThat(text(r))
                .contains("Action: delivered", "text/rfc822-headers").doesNotContain("\r\nbody\r\n"));
    }

    @Test
    void fullGivesAnUntrustedSenderWhatItAsks() throws IOException {
        open(UntrustedReports.FULL);
        QueuedMessage message = untrusted(Map.of("ret", "FULL"), to("alice@posthorn.test", "SUCCESS"));
        assertThat(delivered(message).reports()).singleElement()
                .satisfies(r -> assertThat(text(r)).contains("message/rfc822", "\r\n\r\nbody\r\n"));
    }

    @Test
    void aReportIsQueuedAsMadeHereSoItsFailureReachesThePostmasterWhole() throws IOException {
        QueuedMessage report = failed(untrusted(Map.of(), to("x@far.test", ""))).reports().getFirst();
        assertThat(Origin.of(report.envelope())).isEqualTo(Origin.TRUSTED);
        assertThat(failed(report).reports()).singleElement()
                .satisfies(notice -> assertThat(text(notice)).contains("message/rfc822"));
    }
}
