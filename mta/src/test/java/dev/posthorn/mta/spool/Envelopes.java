package dev.posthorn.mta.spool;

import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.ReversePath;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** Envelopes for tests: plain messages from a sender (empty for the null path) to recipients as given. */
public final class Envelopes {

    private Envelopes() {
    }

    public static SpoolEnvelope of(String id, Instant receivedAt, String sender, String... recipients) {
        return of(id, receivedAt, sender, List.of(recipients));
    }

    public static SpoolEnvelope of(String id, Instant receivedAt, String sender, List<String> recipients) {
        return new SpoolEnvelope(id, receivedAt, sender(sender),
                recipients.stream().map(r -> SpoolEnvelope.Recipient.of(Mailbox.parse(r, true))).toList());
    }

    public static ReversePath sender(String address) {
        return address.isEmpty() ? ReversePath.NULL : ReversePath.of(Mailbox.parse(address, true));
    }

    /** Mailboxes for recipients as given (RFC 6531 addresses allowed). */
    public static List<Mailbox> mailboxes(String... addresses) {
        return Stream.of(addresses).map(a -> Mailbox.parse(a, true)).toList();
    }

    /** The recipients' addresses, as text. */
    public static List<String> addresses(SpoolEnvelope envelope) {
        return envelope.recipients().stream().map(r -> r.address().toString()).toList();
    }
}
