package dev.posthorn.mta.reports;

import dev.posthorn.smtp.Mailbox;
import java.io.IOException;

/** Queues one report message as mail of this server's own making (signed with DKIM where a key is configured). */
@FunctionalInterface
public interface ReportSubmission {

    /**
     * @param sender  MAIL FROM
     * @param to      the one recipient
     * @param message the whole message, CRLF line ends
     */
    void submit(Mailbox sender, Mailbox to, byte[] message) throws IOException;
}
