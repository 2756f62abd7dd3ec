package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Reply;

/**
 * Answers ETRN (RFC 1985): start delivery of the mail queued for a node. ETRN is only advertised when a handler is
 * configured. The reply should be 250, 251, 252, 253, 458 or 459 as RFC 1985 describes.
 */
@FunctionalInterface
public interface EtrnHandler {

    /** @param node as sent: {@code domain}, {@code @domain} or {@code #queue} */
    Reply etrn(SessionInfo session, String node);
}
