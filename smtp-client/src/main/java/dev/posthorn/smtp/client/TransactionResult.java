package dev.posthorn.smtp.client;

import dev.posthorn.smtp.Reply;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one transaction: the server's answer for each recipient. For SMTP a recipient's reply is its RCPT
 * refusal, or else the final reply to the message; for LMTP it is that recipient's own reply after the data
 * (RFC 2033 4.2). A refused MAIL makes every recipient's reply the MAIL reply.
 *
 * @param mail       the reply to MAIL
 * @param recipients one result per recipient, in the order given
 */
public record TransactionResult(Reply mail, List<RecipientResult> recipients) {

    public TransactionResult {
        Objects.requireNonNull(mail, "mail");
        recipients = List.copyOf(recipients);
    }

    /** @param recipient the recipient @param reply the server's final word on it */
    public record RecipientResult(Recipient recipient, Reply reply) {
        public RecipientResult {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(reply, "reply");
        }

        public boolean delivered() {
            return reply.isPositive();
        }
    }
}
