package dev.posthorn.mta.delivery;

import dev.posthorn.mta.spool.MessageBody;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import dev.posthorn.smtp.client.Recipient;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.client.TransactionResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;

/**
 * Delivery to a mailbox server over LMTP (RFC 2033): one transaction for all recipients of a message at that
 * server, one outcome per recipient from the server's per-recipient replies. A connection failure defers everyone.
 */
public final class Lmtp implements Transport {

    private final Endpoint endpoint;
    private final String helloName;
    private final ClientTimeouts timeouts;

    public Lmtp(Endpoint endpoint, String helloName, ClientTimeouts timeouts) {
        this.endpoint = endpoint;
        this.helloName = helloName;
        this.timeouts = timeouts;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** @param recipients the addresses to deliver to, as the server knows them */
    @Override
    public List<Outcome> deliver(SpoolEnvelope envelope, List<Mailbox> recipients, MessageBody body,
                                 DeliveryTrace trace) {
        List<Recipient> paths = recipients.stream().map(address -> Recipient.of(ForwardPath.of(address))).toList();
        try (SmtpClient client = SmtpClient.connect(endpoint, SmtpClient.Protocol.LMTP, helloName, timeouts);
             InputStream message = body.open()) {
            // The BODY mapping SMTP uses too (a binary body goes in one BDAT, which needs the size).
            MailParameters parameters = new MailParameters(OptionalLong.empty(), NextHop.bodyType(envelope),
                    envelope.parameters().smtpUtf8(), null, null, null);
            TransactionResult result = client.send(envelope.sender(), parameters, paths, message, body.size());
            client.quit();
            String remote = "LMTP " + endpoint;
            return result.recipients().stream()
                    .map(r -> Outcome.of(remote, r.reply(), Outcome.Handover.FINAL)).toList();
        } catch (IOException | IllegalArgumentException e) {
            String diagnostic = "LMTP " + endpoint + ": " + e.getMessage();
            return recipients.stream().map(r -> (Outcome) new Outcome.Deferred(diagnostic)).toList();
        }
    }
}
