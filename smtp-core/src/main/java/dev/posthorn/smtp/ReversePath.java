package dev.posthorn.smtp;

import java.util.Optional;

/**
 * The argument of MAIL FROM (RFC 5321 4.1.1.2): a mailbox, or the null reverse path {@code <>} used by delivery
 * status notifications (RFC 5321 4.5.5).
 *
 * @param mailbox the sender's mailbox, or {@code null} for the null reverse path
 */
public record ReversePath(Mailbox mailbox) {

    public static final ReversePath NULL = new ReversePath(null);

    public static ReversePath of(Mailbox mailbox) {
        return new ReversePath(java.util.Objects.requireNonNull(mailbox, "mailbox"));
    }

    public boolean isNull() {
        return mailbox == null;
    }

    public Optional<Mailbox> asMailbox() {
        return Optional.ofNullable(mailbox);
    }

    /** The wire form, with angle brackets. */
    @Override
    public String toString() {
        return mailbox == null ? "<>" : "<" + mailbox + ">";
    }
}
