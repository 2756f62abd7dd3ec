package dev.posthorn.smtp;

/**
 * The argument of RCPT TO (RFC 5321 4.1.1.3): a mailbox, or the bare {@code <Postmaster>} that every SMTP server
 * must accept without a domain (RFC 5321 4.5.1).
 *
 * @param mailbox the recipient's mailbox, or {@code null} for the bare {@code <Postmaster>}
 */
public record ForwardPath(Mailbox mailbox) {

    public static final ForwardPath POSTMASTER = new ForwardPath(null);

    public static ForwardPath of(Mailbox mailbox) {
        return new ForwardPath(java.util.Objects.requireNonNull(mailbox, "mailbox"));
    }

    /** Whether this is the bare {@code <Postmaster>} (without a domain). */
    public boolean isBarePostmaster() {
        return mailbox == null;
    }

    /** The wire form, with angle brackets. */
    @Override
    public String toString() {
        return mailbox == null ? "<Postmaster>" : "<" + mailbox + ">";
    }
}
