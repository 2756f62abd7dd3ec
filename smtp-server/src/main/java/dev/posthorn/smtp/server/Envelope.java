package dev.posthorn.smtp.server;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.ReversePath;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link MessageSink} learns about a message besides its bytes.
 *
 * @param id         the transaction id (unique, time-sortable; also in the Received header)
 * @param sender     the reverse path
 * @param parameters the MAIL parameters (SIZE, BODY, SMTPUTF8, RET, ENVID, AUTH)
 * @param recipients the accepted recipients in order, with their DSN parameters
 * @param session    the session facts (client, HELO name, TLS, authenticated user)
 * @param receivedAt when the message data started
 */
public record Envelope(String id, ReversePath sender, MailParameters parameters, List<Recipient> recipients,
                       SessionInfo session, Instant receivedAt) {

    public Envelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(parameters, "parameters");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /**
     * One accepted recipient.
     *
     * @param path       the forward path
     * @param parameters NOTIFY and ORCPT
     */
    public record Recipient(ForwardPath path, RcptParameters parameters) {
        public Recipient {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(parameters, "parameters");
        }
    }
}
