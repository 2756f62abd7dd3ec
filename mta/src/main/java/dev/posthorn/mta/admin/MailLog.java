package dev.posthorn.mta.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail log: one line per event in a message's life (queued, delivered, deferred, failed), each with the queue
 * id, kept apart from debug logging under the logger name {@code posthorn.mail} so operators can route it.
 */
public final class MailLog {

    private static final Logger log = LoggerFactory.getLogger("posthorn.mail");

    private MailLog() {
    }

    public static void queued(String id, String sender, long size, int recipients, String client) {
        log.info("{}: queued from=<{}> size={} nrcpt={} client={}", id, sender, size, recipients, client);
    }

    /** A message refused at the end of DATA by the inbound checks; nothing was queued. */
    public static void refused(String id, String sender, String client, String reply, String results) {
        log.info("{}: refused from=<{}> client={} reply=\"{}\" {}", id, sender, client, reply, results);
    }

    /** The inbound checks' results for a message about to be queued. */
    public static void checked(String id, String results) {
        log.info("{}: checked {}", id, results);
    }

    public static void delivered(String id, String recipient, String how) {
        log.info("{}: delivered to=<{}> {}", id, recipient, how);
    }

    public static void deferred(String id, String recipient, String why) {
        log.info("{}: deferred to=<{}> {}", id, recipient, why);
    }

    public static void failed(String id, String recipient, String why) {
        log.warn("{}: failed to=<{}> {}", id, recipient, why);
    }

    public static void removed(String id) {
        log.info("{}: removed", id);
    }
}
