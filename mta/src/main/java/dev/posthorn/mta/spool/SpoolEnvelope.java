package dev.posthorn.mta.spool;

import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.DsnReturn;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.OriginalRecipient;
import dev.posthorn.smtp.ReversePath;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the spool keeps about a message besides its body, as typed values: the {@link EnvelopeCodec} is the only
 * place that turns the stored text into them, so no transport, report or tool parses envelope text again.
 *
 * @param id            the queue id: letters and digits, time-sortable
 * @param receivedAt    when the message was accepted
 * @param sender        the reverse path; the null path for reports (RFC 5321 4.5.5)
 * @param parameters    the MAIL parameters that travel on with the message (BODY, SMTPUTF8, RET, ENVID, REQUIRETLS)
 * @param client        who handed the message in, as far as this MTA knows
 * @param recipients    the recipients to deliver to, in order (after alias expansion)
 * @param headers       header fields to put on top of the body at delivery (CRLF-terminated lines, e.g.
 *                      {@code Authentication-Results} or {@code DKIM-Signature}); empty when there are none. They live
 *                      in the envelope because they are known only after the whole body has been read, and the body
 *                      is written to disk as it arrives, never held in memory
 * @param receivedCount the message's Received header fields as counted at receipt (RFC 5321 6.3), when counted
 * @param report        what report this is, when this MTA made the message itself
 */
public record SpoolEnvelope(String id, Instant receivedAt, ReversePath sender, Parameters parameters, Client client,
                            List<Recipient> recipients, String headers, OptionalInt receivedCount,
                            Optional<Report> report) {

    private static final Pattern ID = Pattern.compile("[0-9A-Za-z]{1,64}");

    public SpoolEnvelope {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("queue id must be 1..64 letters and digits");
        }
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(receivedCount, "receivedCount");
        Objects.requireNonNull(report, "report");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a queued message has at least one recipient");
        }
    }

    /** A plain message: 7BIT, no DSN parameters, from an unknown client, nothing on top of the body. */
    public SpoolEnvelope(String id, Instant receivedAt, ReversePath sender, List<Recipient> recipients) {
        this(id, receivedAt, sender, Parameters.PLAIN, Client.UNKNOWN, recipients, "", OptionalInt.empty(),
                Optional.empty());
    }

    /** A copy with these MAIL parameters. */
    public SpoolEnvelope with(Parameters newParameters) {
        return new SpoolEnvelope(id, receivedAt, sender, newParameters, client, recipients, headers, receivedCount,
                report);
    }

    /** A copy with this client. */
    public SpoolEnvelope with(Client newClient) {
        return new SpoolEnvelope(id, receivedAt, sender, parameters, newClient, recipients, headers, receivedCount,
                report);
    }

    /**
     * A copy with {@code field} (CRLF-terminated lines) on top of the header fields already there: the newest trace
     * information comes first (RFC 5322 3.6.7, RFC 8601 5).
     */
    public SpoolEnvelope withHeaderOnTop(String field) {
        return new SpoolEnvelope(id, receivedAt, sender, parameters, client, recipients, field + headers,
                receivedCount, report);
    }

    /** The header fields to put on top of the body, as octets (empty when there are none). */
    public byte[] prependedHeaders() {
        return headers.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code id} is a well-formed queue id. */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * The MAIL parameters kept with the message: those the next hop gets again (RFC 6152, RFC 3030, RFC 6531, and
     * RFC 3461 5.2's RET and ENVID) and the reports use.
     *
     * @param body       the body type (7BIT when none was declared)
     * @param smtpUtf8   whether the message needs SMTPUTF8
     * @param ret        the DSN RET value, when given
     * @param envelopeId the decoded DSN ENVID, when given
     * @param tls        what the sender asked about TLS (REQUIRETLS, {@code TLS-Required: No}, or nothing; RFC 8689)
     */
    public record Parameters(BodyType body, boolean smtpUtf8, Optional<DsnReturn> ret, Optional<String> envelopeId,
                             TlsRequest tls) {

        /** 7BIT, nothing else. */
        public static final Parameters PLAIN = new Parameters(BodyType.SEVEN_BIT, false, Optional.empty(),
                Optional.empty());

        public Parameters {
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(ret, "ret");
            Objects.requireNonNull(envelopeId, "envelopeId");
            Objects.requireNonNull(tls, "tls");
        }

        /** Parameters with no TLS request. */
        public Parameters(BodyType body, boolean smtpUtf8, Optional<DsnReturn> ret, Optional<String> envelopeId) {
            this(body, smtpUtf8, ret, envelopeId, TlsRequest.NONE);
        }

        /** Whether the message was sent with REQUIRETLS (RFC 8689 4.2.1). */
        public boolean requireTls() {
            return tls == TlsRequest.REQUIRETLS;
        }
    }

    /**
     * Who handed the message in: shown to the operator, and its {@link Origin} decides which reports the sender may
     * get.
     *
     * @param origin  whether the client was trusted, authenticated, or neither
     * @param address the client's address literal (e.g. {@code 192.0.2.1}), when the message came over a connection
     * @param helo    the HELO/EHLO name it gave, when any
     * @param user    the user it authenticated as (or the local user of sendmail), when any
     */
    public record Client(Origin origin, Optional<String> address, Optional<String> helo, Optional<String> user) {

        /** Nothing known: the untrusted origin, the safe reading of a message queued before it was recorded. */
        public static final Client UNKNOWN = new Client(Origin.UNTRUSTED, Optional.empty(), Optional.empty(),
                Optional.empty());

        public Client {
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(helo, "helo");
            Objects.requireNonNull(user, "user");
        }

        /** This MTA itself, for the reports it makes (a report on one may quote it whole). */
        public static Client local() {
            return new Client(Origin.TRUSTED, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** A report this MTA made and queued: which decides what becomes of a report that cannot be delivered. */
    public enum Report {
        /** A delivery status notification to a message's sender. */
        TO_SENDER("report"),
        /** A notice to the postmaster that a report (or a message from the null path) could not be delivered. */
        TO_POSTMASTER("postmaster");

        private final String keyword;

        Report(String keyword) {
            this.keyword = keyword;
        }

        /** The word the envelope text records. */
        String keyword() {
            return keyword;
        }
    }

    /**
     * One recipient.
     *
     * @param address       where to deliver (after alias expansion)
     * @param original      the recipient as the client gave it (RFC 3461 ORCPT, or the RCPT address as given), for
     *                      reports and the next hop; empty when not known
     * @param notifications the DSN NOTIFY values; empty when not given (the MTA's default applies)
     */
    public record Recipient(Mailbox address, Optional<OriginalRecipient> original, Set<DsnNotify> notifications) {
        public Recipient {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(original, "original");
            notifications = Set.copyOf(notifications);
        }

        /** A recipient as given ({@code rfc822;address}), without NOTIFY. */
        public static Recipient of(Mailbox address) {
            return new Recipient(address, Optional.of(new OriginalRecipient("rfc822", address.toString())), Set.of());
        }

        /**
         * The domain (or address literal) delivery is grouped and routed by, lower case: one place splits an
         * address, the parser, instead of every reader cutting the text at its last {@code @}.
         */
        public String domain() {
            return address.host().text().toLowerCase(Locale.ROOT);
        }

        /** Whether the sender asked for this report ({@code NOTIFY}); none given means failures and delays. */
        public boolean wants(DsnNotify report) {
            return notifications.isEmpty() ? report == DsnNotify.FAILURE || report == DsnNotify.DELAY
                    : notifications.contains(report);
        }
    }
}
