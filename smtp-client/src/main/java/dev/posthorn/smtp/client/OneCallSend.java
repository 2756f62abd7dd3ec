package dev.posthorn.smtp.client;

import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The session behind {@link SmtpClient}'s static {@code send}: connect, EHLO, STARTTLS as the options say, one
 * transaction, QUIT. Addresses are parsed before connecting, so a bad one costs no connection.
 */
final class OneCallSend {

    private OneCallSend() {
    }

    /**
     * @param body the message's body type when known ({@code SEVEN_BIT} or {@code EIGHT_BIT_MIME}), or {@code null}
     *             when it was not looked at: then 8BITMIME is declared whenever the server offers it, which RFC 6152
     *             allows for a 7-bit message too
     */
    static SendResult send(Endpoint.Tcp endpoint, String from, List<String> recipients, InputStream message, long size,
                           BodyType body, SendOptions options) throws IOException {
        ReversePath sender = from.isEmpty() || from.equals("<>") ? ReversePath.NULL
                : ReversePath.of(Mailbox.parse(from, true));
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
        List<Recipient> to = new ArrayList<>();
        boolean utf8 = !sender.isNull() && !sender.mailbox().isAscii();
        for (String recipient : recipients) {
            Mailbox mailbox = Mailbox.parse(recipient, true);
            utf8 |= !mailbox.isAscii();
            to.add(Recipient.of(ForwardPath.of(mailbox)));
        }
        try (SmtpClient client = SmtpClient.connect(endpoint, SmtpClient.Protocol.SMTP, options.helloName(),
                options.timeouts())) {
            boolean tls = startTls(client, endpoint.host(), options);
            BodyType declared = body == null
                    ? (client.capabilities().supports("8BITMIME") ? BodyType.EIGHT_BIT_MIME : null)
                    : (body == BodyType.SEVEN_BIT ? null : body);
            MailParameters parameters = new MailParameters(size >= 0 ? OptionalLong.of(size) : OptionalLong.empty(),
                    declared, utf8, null, null, null);
            TransactionResult result = client.send(sender, parameters, to, message, size);
            client.quit();
            return outcome(result, recipients, tls);
        }
    }

    private static boolean startTls(SmtpClient client, String host, SendOptions options) throws IOException {
        if (options.tls() == SendOptions.Tls.NONE) {
            return false;
        }
        if (client.startTls(options.context(), host, options.verifyName())) {
            return true;
        }
        if (options.tls() == SendOptions.Tls.REQUIRED) {
            client.quit();
            throw new IOException("TLS required and " + host + " does not offer or refused STARTTLS; nothing sent");
        }
        return false;
    }

    /** A result when any recipient got the message; otherwise the refusal that stopped it, thrown. */
    private static SendResult outcome(TransactionResult result, List<String> recipients, boolean tls)
            throws SmtpReplyException {
        if (!result.mail().isPositive()) {
            throw new SmtpReplyException("MAIL", result.mail());
        }
        List<String> accepted = new ArrayList<>();
        Map<String, Reply> refused = new LinkedHashMap<>();
        Reply reply = null;
        for (int i = 0; i < recipients.size(); i++) {
            TransactionResult.RecipientResult r = result.recipients().get(i);
            if (r.delivered()) {
                accepted.add(recipients.get(i));
                reply = r.reply();
            } else {
                refused.put(recipients.get(i), r.reply());
            }
        }
        if (reply == null) {
            // Every RCPT refused, or the message itself: the first recipient's reply stands for all (its RCPT
            // refusal, or the refusal of the message when its RCPT was taken).
            throw new SmtpReplyException("the message for every recipient", result.recipients().getFirst().reply());
        }
        return new SendResult(reply, accepted, refused, tls);
    }
}
