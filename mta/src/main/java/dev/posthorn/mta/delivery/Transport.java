package dev.posthorn.mta.delivery;

import dev.posthorn.mta.spool.MessageBody;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.Mailbox;
import java.util.List;

/**
 * A way to the mailboxes or the next hop: a {@link Maildir}, an {@link Lmtp} server, SMTP to a domain's exchangers
 * ({@link SmtpTransport}) or to a configured host ({@link SmtpTransport#via}), and the {@link Outbound} routing
 * between them. Every one takes the message the same way: its envelope, the recipients that go this way, and the
 * body as a {@link MessageBody} opened afresh for each try; none throws for a delivery that fails, each says so in
 * the recipient's {@link Outcome}.
 */
@FunctionalInterface
public interface Transport {

    /**
     * Delivers one message.
     *
     * @param envelope   the message's envelope (sender, MAIL parameters, each recipient's DSN request)
     * @param recipients the addresses to deliver to, all of which go this way (for SMTP: one domain)
     * @param body       the message as delivered, header fields on top
     * @param trace      where what happened on the way is noted, for the operator ({@code posthorn explain})
     * @return one outcome per recipient, in the order of {@code recipients}
     */
    List<Outcome> deliver(SpoolEnvelope envelope, List<Mailbox> recipients, MessageBody body, DeliveryTrace trace);
}
