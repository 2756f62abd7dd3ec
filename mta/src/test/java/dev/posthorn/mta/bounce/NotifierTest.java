package dev.posthorn.mta.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.spool.DeliveryState.Status;
import dev.posthorn.mta.spool.DeliveryState;
import dev.posthorn.mta.spool.Envelopes;
import dev.posthorn.mta.spool.MessageWriter;
import dev.posthorn.mta.spool.Origin;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.spool.TlsRequest;
import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.DsnReturn;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.OriginalRecipient;
import dev.posthorn.smtp.server.TransactionId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

    /** A queued message from {@code sender} to each recipient, from a trusted client, without RET. */
    private QueuedMessage queued(String sender, SpoolEnvelope.Recipient... to) throws IOException {
        return queued(sender, client(Origin.TRUSTED), Optional.empty(), to);
    }

    /** A queued message from {@code sender} to each recipient, handed in by {@code client}, with {@code ret}. */
    private QueuedMessage queued(String sender, SpoolEnvelope.Client client, Optional<DsnReturn> ret,
                                 SpoolEnvelope.Recipient... to) throws IOException {
        return queued(sender, client, new SpoolEnvelope.Parameters(BodyType.SEVEN_BIT, false, ret, Optional.empty()),
                to);
    }

    private QueuedMessage queued(String sender, SpoolEnvelope.Client client, SpoolEnvelope.Parameters parameters,
                                 SpoolEnvelope.Recipient... to) throws IOException {
        if (spool == null) {
            open();
        }
        String id = TransactionId.next();
        try (MessageWriter writer = spool.writer(id)) {
            writer.body().write("Subject: hello\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
            return writer.commit(new SpoolEnvelope(id, ARRIVAL, Envelopes.sender(sender), List.of(to))
                    .with(parameters)
                    .with(client));
        }
    }

    private static SpoolEnvelope.Client client(Origin origin) {
        return new SpoolEnvelope.Client(origin, Optional.of("192.0.2.1"), Optional.empty(), Optional.empty());
    }

    /** A message from sue@senders.test, sent by a client that was neither trusted nor authenticated. */
    private QueuedMessage untrusted(Optional<DsnReturn> ret, SpoolEnvelope.Recipient... to) throws IOException {
        return queued("sue@senders.test", client(Origin.UNTRUSTED), ret, to);
    }

    private Notifier.Result delivered(QueuedMessage message) throws IOException {
        DeliveryState after = message.state().with(0, Status.DELIVERED, "delivered to maildir");
        return notifier.notify(message, message.state(), after, Map.of(0, RecipientReport.Action.DELIVERED), LATER,
                false);
    }

    /** A recipient with its NOTIFY values (empty: none given). */
    private static SpoolEnvelope.Recipient to(String address, String notify) {
        return new SpoolEnvelope.Recipient(Mailbox.parse(address, true),
                Optional.of(new OriginalRecipient("rfc822", address)), notify.isEmpty() ? Set.of()
                        : Stream.of(notify.split(",")).map(DsnNotify::valueOf).collect(Collectors.toSet()));
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
        QueuedMessage message = queued("sue@senders.test", to("x@far.test", "NEVER"));
        Notifier.Result result = failed(message);
        assertThat(result.reports()).isEmpty();
        assertThat(notifier.notify(message, message.state(), message.state(), Map.of(), LATER, true).reports())
                .as("nor a delay notice").isEmpty();
    }

    @Test
    void onlyTheRecipientsThatAskedForFailuresAreReported() throws IOException {
        QueuedMessage message = queued("sue@senders.test", to("never@far.test", "NEVER"),
                to("plain@far.test", ""), to("success@far.test", "SUCCESS"), to("failure@far.test", "FAILURE,DELAY"));
        List<QueuedMessage> reports = failed(message).reports();
        assertThat(reports).hasSize(1);
        String report = text(reports.getFirst());
        assertThat(report).contains("Final-Recipient: rfc822; plain@far.test", "Final-Recipient: rfc822; failure@far.test")
                .doesNotContain("never@far.test", "success@far.test");
        assertThat(reports.getFirst().envelope().sender().isNull()).as("reports come from <>").isTrue();
        assertThat(reports.getFirst().envelope().recipients()).extracting(r -> r.address().toString())
                .containsExactly("sue@senders.test");
    }

    @Test
    void noDelayNoticeWhenNotifyIsGivenWithoutDelay() throws IOException {
        QueuedMessage message = queued("sue@senders.test", to("x@far.test", "FAILURE"),
                to("y@far.test", "SUCCESS,FAILURE"));
        Notifier.Result result = notifier.notify(message, message.state(), message.state(), Map.of(), LATER, true);
        assertThat(result.reports()).isEmpty();
        assertThat(result.state().delayNoticeSent()).isFalse();
    }

    @Test
    void aDelayNoticeGoesOutOnceWhenDelayIsAskedOrNotifyIsAbsent() throws IOException {
        QueuedMessage message = queued("sue@senders.test", to("x@far.test", "DELAY"),
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
        QueuedMessage original = queued("sue@senders.test", to("x@far.test", ""));
        QueuedMessage report = failed(original).reports().getFirst();
        assertThat(report.envelope().report()).contains(SpoolEnvelope.Report.TO_SENDER);

        List<QueuedMessage> toPostmaster = failed(report).reports();
        assertThat(toPostmaster).hasSize(1);
        QueuedMessage notice = toPostmaster.getFirst();
        assertThat(notice.envelope().sender().isNull()).isTrue();
        assertThat(notice.envelope().report()).contains(SpoolEnvelope.Report.TO_POSTMASTER);
        assertThat(notice.envelope().recipients()).extracting(r -> r.address().toString())
                .containsExactly("postmaster@posthorn.test");
        assertThat(text(notice)).contains("Final-Recipient: rfc822; sue@senders.test", "Action: failed");

        Notifier.Result last = failed(notice);
        assertThat(last.reports()).as("a failed notice to the postmaster is never reported: no loop").isEmpty();
        assertThat(notifier.notify(notice, notice.state(), notice.state(), Map.of(), LATER, true).reports())
                .as("nor delayed").isEmpty();
    }

    @Test
    void aMessageFromTheNullReversePathThatFailsIsToldToThePostmasterNotToNobody() throws IOException {
        QueuedMessage bounce = queued("", to("x@far.test", ""));
        List<QueuedMessage> reports = failed(bounce).reports();
        assertThat(reports).singleElement().satisfies(r -> assertThat(Envelopes.addresses(r.envelope()))
                .containsExactly("postmaster@posthorn.test"));
        assertThat(notifier.notify(bounce, bounce.state(), bounce.state(), Map.of(), LATER, true).reports())
                .as("no delay notice for <>").isEmpty();
    }

    @Test
    void anUntrustedSenderGetsNoSuccessReport() throws IOException {
        QueuedMessage message = untrusted(Optional.of(DsnReturn.FULL), to("alice@posthorn.test", "SUCCESS"));
        assertThat(delivered(message).reports()).isEmpty();
        QueuedMessage trusted = queued("sue@senders.test", client(Origin.TRUSTED), Optional.of(DsnReturn.FULL),
                to("alice@posthorn.test", "SUCCESS"));
        assertThat(delivered(trusted).reports()).as("a trusted client's sender gets it, with the body")
                .singleElement().satisfies(r -> assertThat(text(r)).contains("Action: delivered", "message/rfc822",
                        "\r\n\r\nbody\r\n"));
    }

    @Test
    void anUntrustedSenderGetsNoDelayNotice() throws IOException {
        QueuedMessage message = untrusted(Optional.empty(), to("x@far.test", "DELAY"), to("y@far.test", ""));
        Notifier.Result result = notifier.notify(message, message.state(), message.state(), Map.of(), LATER, true);
        assertThat(result.reports()).isEmpty();
    }

    @Test
    void anUntrustedSendersFailureReportCarriesTheHeadersOnlyEvenForRetFull() throws IOException {
        QueuedMessage message = untrusted(Optional.of(DsnReturn.FULL), to("x@far.test", ""));
        assertThat(failed(message).reports()).singleElement().satisfies(report -> assertThat(text(report))
                .contains("Action: failed", "Content-Type: text/rfc822-headers", "Subject: hello")
                .doesNotContain("message/rfc822", "\r\nbody\r\n"));
    }

    @Test
    void anAuthenticatedUserGetsEveryReportAsAsked() throws IOException {
        QueuedMessage message = queued("sue@senders.test", client(Origin.AUTHENTICATED),
                Optional.of(DsnReturn.FULL), to("alice@posthorn.test", "SUCCESS"));
        assertThat(delivered(message).reports()).singleElement()
                .satisfies(r -> assertThat(text(r)).contains("message/rfc822", "\r\n\r\nbody\r\n"));
    }

    @Test
    void aMessageWithoutAKnownOriginCountsAsUntrusted() throws IOException {
        QueuedMessage message = queued("sue@senders.test", SpoolEnvelope.Client.UNKNOWN, Optional.empty(),
                to("alice@posthorn.test", "SUCCESS"));
        assertThat(delivered(message).reports()).isEmpty();
    }

    @Test
    void headersLetAnUntrustedSenderHaveEveryReportWithTheHeadersOnly() throws IOException {
        open(UntrustedReports.HEADERS);
        QueuedMessage message = untrusted(Optional.of(DsnReturn.FULL), to("alice@posthorn.test", "SUCCESS"));
        assertThat(delivered(message).reports()).singleElement().satisfies(r -> assertThat(text(r))
                .contains("Action: delivered", "text/rfc822-headers").doesNotContain("\r\nbody\r\n"));
    }

    @Test
    void fullGivesAnUntrustedSenderWhatItAsks() throws IOException {
        open(UntrustedReports.FULL);
        QueuedMessage message = untrusted(Optional.of(DsnReturn.FULL), to("alice@posthorn.test", "SUCCESS"));
        assertThat(delivered(message).reports()).singleElement()
                .satisfies(r -> assertThat(text(r)).contains("message/rfc822", "\r\n\r\nbody\r\n"));
    }

    @Test
    void aReportIsQueuedAsMadeHereSoItsFailureReachesThePostmasterWhole() throws IOException {
        QueuedMessage report = failed(untrusted(Optional.empty(), to("x@far.test", ""))).reports().getFirst();
        assertThat(report.envelope().client().origin()).isEqualTo(Origin.TRUSTED);
        assertThat(failed(report).reports()).singleElement()
                .satisfies(notice -> assertThat(text(notice)).contains("message/rfc822"));
    }

    /** RFC 8689 5: the report on a REQUIRETLS message leaves its content out, headers included; others keep it. */
    @Test
    void theReportOnARequireTlsMessageLeavesTheOriginalOut() throws IOException {
        QueuedMessage plain = queued("sue@senders.test", to("x@far.test", ""));
        assertThat(text(failed(plain).reports().getFirst())).contains("Subject: hello", "body");
        QueuedMessage required = queued("sue@senders.test", client(Origin.TRUSTED), new SpoolEnvelope.Parameters(
                BodyType.SEVEN_BIT, false, Optional.empty(), Optional.empty(), TlsRequest.REQUIRETLS),
                to("x@far.test", ""));
        String report = text(failed(required).reports().getFirst());
        assertThat(report).contains("Final-Recipient: rfc822; x@far.test", "Status: 5.1.1",
                        "sent with REQUIRETLS, so it is not attached")
                .doesNotContain("Subject: hello", "body\r\n", "text/rfc822-headers", "message/rfc822");
        assertThat(report).endsWith("--\r\n");
    }
}
