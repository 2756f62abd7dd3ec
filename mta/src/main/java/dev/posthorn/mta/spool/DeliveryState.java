package dev.posthorn.mta.spool;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * How far delivery of one message has come: attempts so far, when to try next, and each recipient's status with the
 * last diagnostic. Kept in {@code queue/<id>.state}, rewritten atomically after each attempt; a message without a
 * state file has had no attempt yet.
 *
 * @param attempts    delivery attempts made
 * @param nextAttempt when to try again
 * @param recipients  one entry per envelope recipient, in envelope order
 * @param delayNoticeSent whether the sender has been told the message is delayed (one notice per message)
 * @param held        whether the operator holds the message: no attempt until it is released (kept across restarts;
 *                    {@link Spool#save} then gives the state file a time no scan reaches)
 */
public record DeliveryState(int attempts, Instant nextAttempt, List<RecipientState> recipients,
                            boolean delayNoticeSent, boolean held) {

    /** A recipient's status. */
    public enum Status { PENDING, DELIVERED, FAILED }

    /**
     * @param status     where this recipient stands
     * @param diagnostic the last reply or error, e.g. {@code 452 4.2.2 mailbox full}; empty when none
     */
    public record RecipientState(Status status, String diagnostic) {
        public RecipientState {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(diagnostic, "diagnostic");
        }
    }

    public DeliveryState {
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        recipients = List.copyOf(recipients);
    }

    /** A state the operator does not hold. */
    public DeliveryState(int attempts, Instant nextAttempt, List<RecipientState> recipients, boolean delayNoticeSent) {
        this(attempts, nextAttempt, recipients, delayNoticeSent, false);
    }

    /** The state of a message no attempt has touched. */
    public static DeliveryState initial(int recipients, Instant now) {
        return new DeliveryState(0, now, Collections.nCopies(recipients, new RecipientState(Status.PENDING, "")),
                false);
    }

    /** Whether no recipient is pending any more (each delivered or failed). */
    public boolean isFinished() {
        return recipients.stream().noneMatch(r -> r.status() == Status.PENDING);
    }

    /** A copy with recipient {@code index} set. */
    public DeliveryState with(int index, Status status, String diagnostic) {
        List<RecipientState> copy = new ArrayList<>(recipients);
        copy.set(index, new RecipientState(status, diagnostic));
        return new DeliveryState(attempts, nextAttempt, copy, delayNoticeSent, held);
    }

    /** A copy counting one more attempt, with the next one at {@code next}. */
    public DeliveryState attempted(Instant next) {
        return new DeliveryState(attempts + 1, next, recipients, delayNoticeSent, held);
    }

    /** A copy noting that the delay notice was sent. */
    public DeliveryState delayNoticed() {
        return new DeliveryState(attempts, nextAttempt, recipients, true, held);
    }

    /** A copy held ({@code true}) or released, with the next attempt at {@code next}. */
    public DeliveryState held(boolean hold, Instant next) {
        return new DeliveryState(attempts, next, recipients, delayNoticeSent, hold);
    }

    /** A copy due at {@code next}, attempts and everything else unchanged. */
    public DeliveryState dueAt(Instant next) {
        return new DeliveryState(attempts, next, recipients, delayNoticeSent, held);
    }

    byte[] encode() {
        StringBuilder out = new StringBuilder(64 + 64 * recipients.size());
        out.append("attempts ").append(attempts).append('\n');
        out.append("next ").append(nextAttempt.toEpochMilli()).append('\n');
        if (delayNoticeSent) {
            out.append("delay-noticed\n");
        }
        if (held) {
            out.append("held\n");
        }
        for (RecipientState r : recipients) {
            out.append("rcpt ").append(r.status()).append(' ').append(EnvelopeCodec.escape(r.diagnostic()))
                    .append('\n');
        }
        out.append("end\n");
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** @throws IllegalArgumentException when the text is not a valid state for {@code recipientCount} recipients */
    static DeliveryState decode(byte[] bytes, int recipientCount) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.endsWith("end\n")) {
            throw new IllegalArgumentException("state has no end record");
        }
        String[] lines = text.split("\n");
        int first = 2;
        boolean noticed = lines.length > first && lines[first].equals("delay-noticed");
        first += noticed ? 1 : 0;
        boolean held = lines.length > first && lines[first].equals("held");
        first += held ? 1 : 0;
        if (lines.length != recipientCount + first + 1 || !lines[0].startsWith("attempts ")
                || !lines[1].startsWith("next ")) {
            throw new IllegalArgumentException("state does not match the envelope");
        }
        List<RecipientState> recipients = new ArrayList<>();
        for (int i = first; i < lines.length - 1; i++) {
            String[] f = lines[i].split(" ", -1);
            if (f.length != 3 || !f[0].equals("rcpt")) {
                throw new IllegalArgumentException("bad state record");
            }
            recipients.add(new RecipientState(Status.valueOf(f[1]), EnvelopeCodec.unescape(f[2])));
        }
        return new DeliveryState(Integer.parseInt(lines[0].substring(9)),
                Instant.ofEpochMilli(Long.parseLong(lines[1].substring(5))), recipients, noticed, held);
    }
}
