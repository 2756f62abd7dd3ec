package dev.posthorn.mta.pop3;

import java.nio.charset.StandardCharsets;

/**
 * The first line of a POP3 response (RFC 1939 3): {@code +OK} or {@code -ERR}, then server text. The text never
 * holds CR or LF, so no response can carry a forged line; peer text never goes into it. The catalogue below is every
 * fixed response the server sends; response codes in brackets are RFC 2449 8 and RFC 3206's.
 */
record Response(boolean ok, String text) {

    static final Response NO_SUCH_MESSAGE = err("no such message");
    static final Response ALREADY_DELETED = err("message already deleted");
    static final Response UNKNOWN = err("unknown command");
    static final Response WRONG_STATE = err("command not valid in this state");
    static final Response USER_FIRST = err("USER first");
    static final Response AUTH_FAILED = err("[AUTH] invalid user name or password");
    static final Response IN_USE = err("[IN-USE] maildrop already in use by another session");
    static final Response MAILDROP_FAILED = err("[SYS/TEMP] cannot open the maildrop");
    static final Response NOT_REMOVED = err("[SYS/TEMP] some deleted messages not removed");
    static final Response MESSAGE_GONE = err("[SYS/TEMP] the message is no longer there");
    static final Response LINE_TOO_LONG = err("command line longer than 255 octets");
    static final Response TOO_MANY_ERRORS = err("too many bad commands, closing");
    static final Response TIMEOUT = err("idle too long, closing");
    static final Response TOO_MANY_CONNECTIONS = err("[SYS/TEMP] too many connections, try again later");
    static final Response NO_TLS = err("STLS not available");
    static final Response TLS_ACTIVE = err("TLS already active");
    static final Response PLAINTEXT_AFTER_STLS = err("command sent after STLS before TLS, closing");
    static final Response BEGIN_TLS = ok("begin TLS negotiation");
    static final Response CAPABILITIES = ok("capability list follows");
    static final Response SCAN_LISTING = ok("scan listing follows");
    static final Response UNIQUE_IDS = ok("unique-id listing follows");
    static final Response TOP_FOLLOWS = ok("top of message follows");
    static final Response USER_ACCEPTED = ok("send PASS");
    static final Response NOOP = ok("");
    static final Response BYE = ok("bye");
    static final Response INTERNAL_ERROR = err("[SYS/TEMP] internal error, closing");

    Response {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("CR or LF in a response");
        }
    }

    static Response ok(String text) {
        return new Response(true, text);
    }

    static Response err(String text) {
        return new Response(false, text);
    }

    static Response greeting(String hostname) {
        return ok("POP3 " + hostname + " ready");
    }

    /** RFC 1939 5 STAT, also PASS's and RSET's: {@code nn mm}. */
    static Response drop(int messages, long octets) {
        return ok(messages + " " + octets);
    }

    /** PASS's and RSET's answer: the maildrop as the session sees it. */
    static Response maildrop(int messages, long octets) {
        return ok("maildrop has " + messages + " messages (" + octets + " octets)");
    }

    static Response scan(int number, long octets) {
        return ok(number + " " + octets);
    }

    static Response uid(int number, String id) {
        return ok(number + " " + id);
    }

    static Response retrieving(long octets) {
        return ok(octets + " octets");
    }

    static Response deleted(int number) {
        return ok("message " + number + " deleted");
    }

    byte[] toWire() {
        String line = (ok ? "+OK" : "-ERR") + (text.isEmpty() ? "" : " " + text) + "\r\n";
        return line.getBytes(StandardCharsets.UTF_8);
    }
}
