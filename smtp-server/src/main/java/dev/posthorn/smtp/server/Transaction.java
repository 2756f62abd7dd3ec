package dev.posthorn.smtp.server;

import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.ReversePath;
import java.util.ArrayList;
import java.util.List;

/**
 * One mail transaction (RFC 5321 3.3): born at MAIL, gone at the end of the message, RSET, HELO/EHLO or STARTTLS.
 * Kept apart from the connection's state so nothing of one message leaks into the next.
 */
final class Transaction {

    private final String id;
    private final ReversePath sender;
    private final MailParameters parameters;
    private final List<Envelope.Recipient> recipients = new ArrayList<>();

    Transaction(String id, ReversePath sender, MailParameters parameters) {
        this.id = id;
        this.sender = sender;
        this.parameters = parameters;
    }

    String id() {
        return id;
    }

    ReversePath sender() {
        return sender;
    }

    MailParameters parameters() {
        return parameters;
    }

    void add(Envelope.Recipient recipient) {
        recipients.add(recipient);
    }

    int recipientCount() {
        return recipients.size();
    }

    List<Envelope.Recipient> recipients() {
        return List.copyOf(recipients);
    }
}
