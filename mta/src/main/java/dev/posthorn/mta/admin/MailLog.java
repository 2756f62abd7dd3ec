package dev.posthorn.mta.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail log: one line per event in a message's life (queued, delivered, deferred, failed), each with the queue
 * id, kept apart from debug logging under the logger name {@code posthorn.mail} so operators can route it.
 */
public final class MailLog {

    private static final Logger log = LoggerFactory.getLogger("posthorn.mail");
    /** The longest piece of peer text a log line carries. */
    private static final int PEER_TEXT_LIMIT = 256;

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

    /**
     * A failed AUTH (wrong credentials, or refused for now by the throttle): the user name the client gave, never
     * the password. The name is the peer's text, so it is escaped ({@link #peerText}) before it reaches the line.
     */
    public static void authFailed(String user, String client) {
        log.warn("auth failed user=<{}> client={}", peerText(user), client);
    }

    /**
     * Peer text made safe for one log line: control characters (C0, DEL, C1, the Unicode line and paragraph
     * separators), the backslash and the angle brackets that delimit the field are written as a backslash, u and four
     * hex digits, so no CR or LF can start a forged line and no {@code >} can end the field early; at most
     * {@value #PEER_TEXT_LIMIT} characters are kept.
     */
    static String peerText(String text) {
        StringBuilder out = new StringBuilder();
        int end = Math.min(text.length(), PEER_TEXT_LIMIT);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == '\\' || c == '<'
                    || c == '>') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return text.length() > end ? out.append("...").toString() : out.toString();
    }
}
