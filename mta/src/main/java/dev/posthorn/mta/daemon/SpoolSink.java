package dev.posthorn.mta.daemon;

import dev.posthorn.mailauth.arc.ArcResult;
import dev.posthorn.mailauth.dkim.DkimSigner;
import dev.posthorn.mailauth.dkim.HeaderTooLarge;
import dev.posthorn.mta.delivery.ReceivedCount;
import dev.posthorn.mta.inbound.HeaderFilter;
import dev.posthorn.mta.inbound.InboundChecks;
import dev.posthorn.mta.inbound.InboundVerdict;
import dev.posthorn.mta.maillog.MailLog;
import dev.posthorn.mta.routing.Destination;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Route;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.schedule.QueueRunner;
import dev.posthorn.mta.spool.DiskFull;
import dev.posthorn.mta.spool.MessageBody;
import dev.posthorn.mta.spool.MessageWriter;
import dev.posthorn.mta.spool.Origin;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.spool.TlsRequest;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.LogText;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.OriginalRecipient;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.MessageSink;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit point between the SMTP server and the queue: streams the message into the spool, expands the
 * recipients (aliases become their targets, each address once), commits, and only then answers
 * {@code 250 2.0.0 Ok: queued as <id>}. On an MX listener, mail from untrusted clients passes the inbound checks on
 * the way ({@link InboundChecks}): forged Authentication-Results are filtered out as the message streams, and at the
 * end the message is refused or gets its Authentication-Results field on top. The queue id is the server's transaction id, so the Received header, the
 * reply and the mail log all name the same id.
 *
 * <p>A message for one local Maildir mailbox is delivered before the commit, where that is as safe
 * ({@link dev.posthorn.mta.schedule.QueueRunner#deliverAtOnce}): the 250 then follows the copy's force in the mailbox,
 * the spool's copy is never committed (its file is kept for the next message), and the mail log says queued,
 * delivered and removed as for any message. When that delivery does not succeed the message is committed as any.
 *
 * <p>A message that does not fit on the spool's file system (more than the room {@code limits.min_free_disk} kept
 * when MAIL was accepted) gets {@code 452 4.3.1}, the MAIL check's words, and leaves no file behind ({@link
 * DiskFull}).
 *
 * <p>The envelope records the message's {@link Origin}: whether the client authenticated, was in a trusted network,
 * or neither; which reports its sender may get is decided on it.
 *
 * <p>Mail from authenticated users and trusted networks (never mail from the Internet at large) is DKIM-signed
 * before the commit: the signer reads the body back from the spool file, and the DKIM-Signature fields go into the
 * envelope's header fields, delivered on top of the body, so the body is neither held in memory nor rewritten.
 *
 * <p>With {@code dkim.arc.seal}, mail this server forwards gets an ARC set the same way, on top of everything else
 * (RFC 8617 5.1: the sealer's set comes last, after its other changes): mail an alias sends to another domain,
 * sealed by the alias's domain with the inbound checks' results and chain status, and mail from trusted networks
 * and authenticated users to remote domains, sealed by the author's domain ({@link ArcSealing}). A set that cannot be
 * made is logged and left out: unlike a DKIM signature, no receiver's verdict depends on it.
 */
final class SpoolSink implements MessageSink {

    private static final Logger log = LoggerFactory.getLogger(SpoolSink.class);

    private final Spool spool;
    private final Router router;
    private final Consumer<QueuedMessage> submit;
    private final DkimSigner signer;
    private final Optional<InboundChecks> checks;
    private final ArcSealing arc;
    private final Timer commits;
    private final AtOnce atOnce;

    /**
     * Delivers a message before it is queued when it can ({@link dev.posthorn.mta.schedule.QueueRunner#deliverAtOnce}):
     * the delivery's words, or empty when the message is to be queued.
     */
    interface AtOnce {
        /** Never: every message is queued (sendmail's submissions, which the daemon delivers). */
        AtOnce NEVER = new AtOnce() {
            @Override
            public boolean likely(List<SpoolEnvelope.Recipient> recipients) {
                return false;
            }

            @Override
            public Optional<String> deliver(SpoolEnvelope envelope, MessageBody body) {
                return Optional.empty();
            }
        };

        /** By the queue runner: {@link QueueRunner#mayDeliverAtOnce}, {@link QueueRunner#deliverAtOnce}. */
        static AtOnce by(QueueRunner runner) {
            return new AtOnce() {
                @Override
                public boolean likely(List<SpoolEnvelope.Recipient> recipients) {
                    return runner.mayDeliverAtOnce(recipients);
                }

                @Override
                public Optional<String> deliver(SpoolEnvelope envelope, MessageBody body) {
                    return runner.deliverAtOnce(envelope, body);
                }
            };
        }

        /** Whether mail for these recipients will likely be delivered at once (its body may stay in memory). */
        boolean likely(List<SpoolEnvelope.Recipient> recipients);

        Optional<String> deliver(SpoolEnvelope envelope, MessageBody body);
    }

    /**
     * The most of a body kept in memory for mail that will likely be delivered at once ({@link SpillWriter}): most mail
     * is smaller; larger bodies go to a spool file as they arrive.
     */
    static final int IN_MEMORY = 256 * 1024;

    /** What all listeners of the process keep in memory at once of such bodies; beyond it they go to the spool. */
    private static final SpillWriter.Budget IN_MEMORY_BUDGET = SpillWriter.Budget.ofHeap();

    /**
     * @param submit          takes each committed message (the daemon's queue runner; nothing for sendmail, whose
     *                        messages the daemon finds in the spool)
     * @param signer          signs mail from authenticated users and trusted networks
     * @param checks          the inbound authentication of an MX listener; empty for submission listeners
     * @param metrics         where the spool commit's latency is recorded ({@code posthorn_spool_commit_seconds})
     */
    SpoolSink(Spool spool, Router router, Consumer<QueuedMessage> submit, DkimSigner signer,
              Optional<InboundChecks> checks, MeterRegistry metrics) {
        this(spool, router, submit, signer, checks, ArcSealing.OFF, AtOnce.NEVER, metrics);
    }

    /** As above, sealing forwarded mail with {@code arc}, delivering what it can before queueing with {@code atOnce}. */
    SpoolSink(Spool spool, Router router, Consumer<QueuedMessage> submit, DkimSigner signer,
              Optional<InboundChecks> checks, ArcSealing arc, AtOnce atOnce, MeterRegistry metrics) {
        this.atOnce = atOnce;
        this.arc = arc;
        this.spool = spool;
        this.router = router;
        this.submit = submit;
        this.signer = signer;
        this.checks = checks;
        this.commits = Timer.builder("posthorn.spool.commit")
                .description("Spool commits (fsync, rename, directory fsync) before the 250 reply")
                .publishPercentileHistogram().register(metrics);
    }

    @Override
    public Reply receive(Envelope envelope, InputStream message) throws IOException {
        List<SpoolEnvelope.Recipient> recipients = expand(envelope);
        Optional<InboundChecks> inbound = checks.filter(c -> c.appliesTo(envelope.session()));
        try (MessageWriter writer = atOnce.likely(recipients) ? new SpillWriter(spool, envelope.id(), IN_MEMORY,
                IN_MEMORY_BUDGET)
                : spool.writer(envelope.id())) {
            Optional<HeaderFilter> filtered = inbound.map(c -> c.filter(message));
            MessageIdCapture messageId = new MessageIdCapture(filtered.isPresent() ? filtered.get() : message);
            FieldCapture tlsRequired = new FieldCapture(messageId, "TLS-Required", FieldCapture.SHORT);
            ReceivedCount.Counting counting = new ReceivedCount.Counting(tlsRequired);
            long size = counting.transferTo(writer.body());
            String sender = envelope.sender().isNull() ? "" : envelope.sender().mailbox().toString();
            SpoolEnvelope queuedEnvelope = new SpoolEnvelope(envelope.id(), envelope.receivedAt(), envelope.sender(),
                    parameters(envelope, tlsRequiredNo(tlsRequired)), client(envelope), recipients, "",
                    OptionalInt.of(counting.count()), Optional.empty());
            try {
                String signatures = signatures(envelope, writer);
                if (!signatures.isEmpty()) {
                    queuedEnvelope = queuedEnvelope.withHeaderOnTop(signatures);
                }
            } catch (DiskFull e) {
                throw e; // the body's last octets did not fit: 452 below, not a signing failure
            } catch (GeneralSecurityException | IOException e) {
                // Unsigned mail from a domain that publishes DMARC would bounce at receivers: better the client retries
                // (451 4.3.0, RFC 5321 4.2.3, RFC 3463 3.5).
                log.error("dkim: signing {} failed: {}", envelope.id(), LogText.escape(e));
                return Replies.LOCAL_ERROR;
            }
            Optional<InboundVerdict.Accept> accepted = Optional.empty();
            if (inbound.isPresent()) {
                InboundVerdict verdict = inbound.get().check(envelope, filtered.get(), writer::written);
                switch (verdict) {
                    case InboundVerdict.Refuse refuse -> {
                        MailLog.refused(envelope.id(), sender, clientOf(envelope), refuse.reply().toString().strip(),
                                refuse.summary());
                        return refuse.reply(); // the writer closes uncommitted: nothing stays in the spool
                    }
                    case InboundVerdict.Accept accept -> {
                        queuedEnvelope = queuedEnvelope.withHeaderOnTop(accept.headerField());
                        MailLog.checked(envelope.id(), accept.summary());
                        accepted = Optional.of(accept);
                    }
                }
            }
            String set = arcSet(envelope, writer, accepted);
            if (!set.isEmpty()) {
                queuedEnvelope = queuedEnvelope.withHeaderOnTop(set);
            }
            // Logged once the message is safe: in its mailbox, or committed to the queue.
            Runnable queuedLine = () -> MailLog.queued(envelope.id(), sender, size, recipients.size(),
                    clientOf(envelope), envelope.session().authenticatedUser(), messageId.messageId());
            Optional<String> delivered = atOnce.deliver(queuedEnvelope, unqueued(queuedEnvelope, writer, size));
            if (delivered.isPresent()) {
                writer.delivered();
                queuedLine.run();
                MailLog.delivered(envelope.id(), recipients.getFirst().address().toString(), delivered.get());
                MailLog.removed(envelope.id());
                return Replies.queued(envelope.id());
            }
            Timer.Sample commit = Timer.start();
            QueuedMessage queued;
            try {
                queued = writer.commit(queuedEnvelope);
            } finally {
                commit.stop(commits);
            }
            queuedLine.run();
            submit.accept(queued);
            return Replies.queued(envelope.id());
        } catch (DiskFull e) {
            // The writer is closed by now: the partial file is gone. The client tries again later, as at MAIL when
            // free space is below limits.min_free_disk (RFC 5321 4.2.2, RFC 3463 X.3.1).
            log.warn("{}: not queued, the spool's file system is full: {}", envelope.id(), e.getMessage());
            return Replies.INSUFFICIENT_STORAGE;
        }
    }

    /** The message as it would be delivered from the queue, read back from the writer before any commit. */
    private static MessageBody unqueued(SpoolEnvelope envelope, MessageWriter writer, long bodyLength) {
        byte[] headers = envelope.prependedHeaders();
        return new MessageBody() {
            @Override
            public InputStream open() throws IOException {
                return new SequenceInputStream(new ByteArrayInputStream(headers), writer.written());
            }

            @Override
            public long size() {
                return headers.length + bodyLength;
            }
        };
    }

    /** RFC 8689 3: {@code TLS-Required: No} (the only value the field has; case-insensitive as ABNF strings are). */
    private static boolean tlsRequiredNo(FieldCapture field) {
        return field.value() != null && field.value().equalsIgnoreCase("No");
    }

    /** The DKIM-Signature fields for a message from an authenticated user or a trusted client; else none. */
    private String signatures(Envelope envelope, MessageWriter writer) throws IOException, GeneralSecurityException {
        if (origin(envelope) == Origin.UNTRUSTED || !signer.hasKeys()) {
            return "";
        }
        try (InputStream written = writer.written()) {
            return sign(signer, written, envelope.id());
        }
    }

    /** The ARC set for a message this server forwards, or an empty string (see the class comment). */
    private String arcSet(Envelope envelope, MessageWriter writer, Optional<InboundVerdict.Accept> accepted) {
        if (!arc.enabled()) {
            return "";
        }
        Optional<String> forwarder = forwarder(envelope);
        boolean relayed = origin(envelope) != Origin.UNTRUSTED && envelope.recipients().stream()
                .anyMatch(r -> !r.path().isBarePostmaster() && router.route(r.path()) instanceof Route.Remote);
        if (forwarder.isEmpty() && !relayed) {
            return "";
        }
        Optional<String> results = accepted.map(a -> a.headerField().substring(a.headerField().indexOf(':') + 1));
        ArcResult.Status chain = accepted.map(InboundVerdict.Accept::arc).orElse(ArcResult.Status.NONE);
        try {
            return arc.seal(writer::written, forwarder, results, chain);
        } catch (GeneralSecurityException | IOException e) {
            log.warn("arc: {} not sealed: {}", envelope.id(), LogText.escape(e.getMessage()));
            return "";
        }
    }

    /** The domain of the first recipient an alias sends to another domain; empty when none does. */
    private Optional<String> forwarder(Envelope envelope) {
        for (Envelope.Recipient recipient : envelope.recipients()) {
            if (!recipient.path().isBarePostmaster() && router.route(recipient.path()) instanceof Route.Local local
                    && local.destinations().stream().anyMatch(d -> d instanceof Destination.Forward)
                    && recipient.path().mailbox().domain() != null) {
                return Optional.of(recipient.path().mailbox().domain().text().toLowerCase(Locale.ROOT));
            }
        }
        return Optional.empty();
    }

    /**
     * The DKIM-Signature fields {@code signer} makes for {@code message} (queued as {@code id}); none for a header
     * section too large to sign, which goes on unsigned as mail from a domain without keys.
     *
     * @throws IOException when the message cannot be read back: the caller refuses it for now, never sends it unsigned
     */
    static String sign(DkimSigner signer, InputStream message, String id) throws IOException,
            GeneralSecurityException {
        try {
            return signer.sign(message);
        } catch (HeaderTooLarge e) {
            log.warn("dkim: {} not signed: {}", id, LogText.escape(e.getMessage()));
            return "";
        }
    }

    /**
     * Whether the client was authenticated, in a trusted network, or neither: recorded in the envelope, so that
     * which reports its sender may get is decided on what was known at the commit ({@link Origin}).
     */
    private Origin origin(Envelope envelope) {
        if (envelope.session().authenticatedUser() != null) {
            return Origin.AUTHENTICATED;
        }
        return envelope.session().trusted() ? Origin.TRUSTED : Origin.UNTRUSTED;
    }

    private static String clientOf(Envelope envelope) {
        return AddressLiteral.format(envelope.session().remote().getAddress());
    }

    /** Each accepted recipient's destinations, in order, each address once (the first recipient naming it wins). */
    private List<SpoolEnvelope.Recipient> expand(Envelope envelope) {
        Map<String, SpoolEnvelope.Recipient> byAddress = new LinkedHashMap<>();
        for (Envelope.Recipient recipient : envelope.recipients()) {
            String given = recipient.path().isBarePostmaster() ? "Postmaster" : recipient.path().mailbox().toString();
            // ORCPT as the client gave it, else the recipient as given (RFC 3461 4.2), always as type;xtext.
            Optional<OriginalRecipient> original = Optional.of(recipient.parameters().originalRecipient() != null
                    ? recipient.parameters().originalRecipient()
                    : new OriginalRecipient("rfc822", given));
            Set<DsnNotify> notify = recipient.parameters().notifications();
            // The bare <Postmaster> has no domain to queue it under: the postmaster of this MTA's primary domain.
            Mailbox path = recipient.path().isBarePostmaster() ? Mailbox.parse(router.postmaster(), true)
                    : recipient.path().mailbox();
            List<Mailbox> addresses = switch (router.route(recipient.path())) {
                case Route.Local local -> local.destinations().stream().map(Destination::path).toList();
                case Route.Remote remote -> List.of(path);
                case Route.Unknown unknown -> List.of(path); // refused at RCPT; kept so it fails visibly
            };
            for (Mailbox address : addresses) {
                // ASCII case only: Unicode case mapping would merge distinct addresses (KELVIN SIGN and k).
                byAddress.putIfAbsent(LocalDomain.canonicalLocalPart(address.toString()),
                        new SpoolEnvelope.Recipient(address, original, notify));
            }
        }
        return new ArrayList<>(byAddress.values());
    }

    /**
     * The MAIL parameters the message keeps (BODY, SMTPUTF8, and RET, ENVID and REQUIRETLS, which travel on), and
     * its TLS request: RFC 8689 4.1 tags a message with REQUIRETLS when MAIL had it (a TLS-Required field is then
     * ignored), else with what its {@code TLS-Required: No} field asks.
     */
    private static SpoolEnvelope.Parameters parameters(Envelope envelope, boolean tlsOptional) {
        MailParameters p = envelope.parameters();
        TlsRequest tls = p.requireTls() ? TlsRequest.REQUIRETLS
                : tlsOptional ? TlsRequest.TLS_OPTIONAL : TlsRequest.NONE;
        return new SpoolEnvelope.Parameters(p.effectiveBody(), p.smtpUtf8(), Optional.ofNullable(p.ret()),
                Optional.ofNullable(p.envelopeId()), tls);
    }

    private SpoolEnvelope.Client client(Envelope envelope) {
        return new SpoolEnvelope.Client(origin(envelope), Optional.of(clientOf(envelope)),
                Optional.ofNullable(envelope.session().heloName()),
                Optional.ofNullable(envelope.session().authenticatedUser()));
    }
}
