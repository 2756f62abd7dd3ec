package dev.posthorn.mta.delivery;

import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import dev.posthorn.smtp.client.Recipient;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.client.TransactionResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Delivery to a mailbox server over LMTP (RFC 2033): one transaction for all recipients of a message at that
 * server, one outcome per recipient from the server's per-recipient replies. A connection failure defers everyone.
 */
public final class Lmtp {

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

    /**
     * @param recipients the addresses to deliver to, as the server knows them
     * @param size       the message's length in octets (a binary body goes in one BDAT, which needs it)
     */
    public List<Outcome> deliver(SpoolEnvelope envelope, List<String> recipients, InputStream message, long size) {
        boolean utf8 = "true".equals(envelope.parameters().get("smtputf8"));
        List<Recipient> paths = new ArrayList<>();
        try {
            for (String address : recipients) {
                paths.add(Recipient.of(ForwardPath.of(Mailbox.parse(address, true))));
            }
        } catch (IllegalArgumentException e) {
            return recipients.stream().map(r -> (Outcome) new Outcome.Failed("invalid recipient address")).toList();
        }
        try (SmtpClient client = SmtpClient.connect(endpoint, SmtpClient.Protocol.LMTP, helloName, timeouts)) {
            ReversePath sender = NextHop.sender(envelope);
            MailParameters parameters = new MailParameters(OptionalLong.empty(), NextHop.bodyType(envelope), utf8,
                    null, null, null);
            TransactionResult result = client.send(sender, parameters, paths, message, size);
            client.quit();
            return result.recipients().stream().map(r -> outcome(r.reply())).toList();
        } catch (IOException | IllegalArgumentException e) {
            String diagnostic = "LMTP " + endpoint + ": " + e.getMessage();
            return recipients.stream().map(r -> (Outcome) new Outcome.Deferred(diagnostic)).toList();
        }
    }

    private Outcome outcome(Reply reply) {
        String diagnostic = "LMTP " + endpoint + " said: " + reply;
        if (reply.isPositive()) {
            return new Outcome.Delivered(diagnostic);
        }
        return reply.isTransientFailure() ? new Outcome.Deferred(diagnostic) : new Outcome.Failed(diagnostic);
    }
}
