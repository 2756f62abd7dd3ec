package dev.posthorn.mta.daemon;

import dev.posthorn.mta.schedule.QueueControl;
import dev.posthorn.mta.schedule.QueueRunner;
import dev.posthorn.smtp.LogText;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.server.EtrnHandler;
import dev.posthorn.smtp.server.SessionInfo;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ETRN (RFC 1985) for trusted clients: starts delivery of the mail waiting for a domain ({@code domain}) or for a
 * domain and its subdomains ({@code @domain}): the operator's flush for that domain ({@link QueueControl#flush}), so
 * messages in the queue beyond the runner's memory and those another node sharing the queue holds start too. Queue
 * names ({@code #queue}) are not supported.
 */
final class Etrn implements EtrnHandler {

    private static final Logger log = LoggerFactory.getLogger(Etrn.class);

    private final QueueRunner runner;

    Etrn(QueueRunner runner) {
        this.runner = runner;
    }

    @Override
    public Reply etrn(SessionInfo session, String node) {
        if (!session.trustedOrAuthenticated()) {
            return Reply.of(459, "4.7.1", "Node " + node + " not allowed: ETRN is for trusted clients");
        }
        if (node.startsWith("#")) {
            return Reply.of(458, "4.5.0", "Unable to queue messages for node " + node + ": queue names unsupported");
        }
        boolean subdomains = node.startsWith("@");
        String domain = subdomains ? node.substring(1) : node;
        int started;
        try {
            started = runner.control().flush(new QueueControl.Flush(Optional.of(domain), subdomains));
        } catch (IOException e) {
            log.warn("ETRN {}: the queue could not be read: {}", LogText.escape(node), LogText.escape(e));
            return Reply.of(458, "4.3.0", "Unable to queue messages for node " + node + ": queue unavailable");
        }
        return started == 0 ? Reply.of(251, "2.0.0", "No messages waiting for node " + node)
                : Reply.of(253, "2.0.0", "OK, " + started + " pending messages for node " + node + " started");
    }
}
