package dev.posthorn.smtp.client;

import dev.posthorn.smtp.Reply;
import java.io.IOException;

/**
 * The server refused a step that the whole connection depends on (greeting, EHLO/LHLO), or, in the one-call
 * {@link SmtpClient#send(String, int, String, java.util.List, byte[]) send}, MAIL or the message for every recipient.
 */
public final class SmtpReplyException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Reply reply;

    public SmtpReplyException(String step, Reply reply) {
        super(step + " refused: " + reply);
        this.reply = reply;
    }

    public Reply reply() {
        return reply;
    }
}
