package dev.posthorn.smtp;

import java.util.List;

/**
 * The catalogue of replies the SMTP engine itself sends (protocol, syntax, sequence, limits, TLS and AUTH
 * exchanges), each with its RFC 5321 code and RFC 3463 enhanced status. Handlers pick a reply from here; none types
 * a reply string of its own. An embedder's policies (rate limits, blocklists, SPF and DMARC verdicts, sender
 * ownership) word their own refusals beside the rule that makes them: they are policy, not protocol.
 */
public final class Replies {

    private Replies() {
    }

    // 2xx

    public static Reply greeting(String hostname) {
        return Reply.of(220, hostname + " ESMTP Posthorn");
    }

    public static final Reply CLOSING = Reply.of(221, "2.0.0", "Bye");
    public static final Reply OK = Reply.of(250, "2.0.0", "Ok");
    public static final Reply SENDER_OK = Reply.of(250, "2.1.0", "Sender ok");
    public static final Reply RECIPIENT_OK = Reply.of(250, "2.1.5", "Recipient ok");
    public static final Reply READY_TO_START_TLS = Reply.of(220, "2.0.0", "Ready to start TLS");
    public static final Reply AUTH_SUCCEEDED = Reply.of(235, "2.7.0", "Authentication succeeded");
    public static final Reply CANNOT_VRFY =
            Reply.of(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
    public static final Reply START_MAIL_INPUT = Reply.of(354, "End data with <CR><LF>.<CR><LF>");

    public static Reply queued(String id) {
        return Reply.of(250, "2.0.0", "Ok: queued as " + id);
    }

    public static Reply chunkReceived(long octets) {
        return Reply.of(250, "2.0.0", octets + " octets received");
    }

    public static Reply help(List<String> lines) {
        return new Reply(214, EnhancedStatus.parse("2.0.0"), lines);
    }

    /** An AUTH challenge (RFC 4954 4): {@code 334} and base64 text. */
    public static Reply authChallenge(String base64) {
        return Reply.of(334, base64);
    }

    // 4xx

    public static final Reply SHUTTING_DOWN = Reply.of(421, "4.3.2", "Service shutting down, closing connection");
    public static final Reply TOO_MANY_CONNECTIONS = Reply.of(421, "4.7.0", "Too many connections, try later");
    public static final Reply TOO_MANY_CONNECTIONS_FROM_YOU =
            Reply.of(421, "4.7.0", "Too many connections from your address, try later");
    public static final Reply TOO_MANY_ERRORS = Reply.of(421, "4.7.0", "Too many errors, closing connection");
    public static final Reply TIMEOUT = Reply.of(421, "4.4.2", "Timeout exceeded, closing connection");
    public static final Reply INTERNAL_ERROR = Reply.of(421, "4.3.0", "Internal error, closing connection");
    public static final Reply LOCAL_ERROR = Reply.of(451, "4.3.0", "Local error in processing");
    public static final Reply TOO_MANY_RECIPIENTS = Reply.of(452, "4.5.3", "Too many recipients");
    public static final Reply INSUFFICIENT_STORAGE = Reply.of(452, "4.3.1", "Insufficient system storage");
    public static final Reply TLS_UNAVAILABLE = Reply.of(454, "4.7.0", "TLS not available");
    public static final Reply AUTH_TEMPORARY_FAILURE = Reply.of(454, "4.7.0", "Temporary authentication failure");

    // 5xx

    public static final Reply UNKNOWN_COMMAND = Reply.of(500, "5.5.2", "Command not recognized");
    public static final Reply LINE_TOO_LONG = Reply.of(500, "5.5.2", "Line too long");
    public static final Reply BARE_LF = Reply.of(500, "5.5.2", "Bare <LF> received; end command lines with <CR><LF>");
    public static final Reply INVALID_UTF8 = Reply.of(500, "5.5.2", "Command is not valid UTF-8");
    public static final Reply BAD_SENDER_SYNTAX = Reply.of(501, "5.1.7", "Bad sender address syntax");
    public static final Reply BAD_RECIPIENT_SYNTAX = Reply.of(501, "5.1.3", "Bad recipient address syntax");
    /** An address with control, line-separating or bidirectional formatting characters (see {@code Ascii}). */
    public static final Reply INVISIBLE_IN_SENDER = Reply.of(553, "5.1.7",
            "Sender address contains control or direction-changing characters");
    public static final Reply INVISIBLE_IN_RECIPIENT = Reply.of(553, "5.1.3",
            "Recipient address contains control or direction-changing characters");
    public static final Reply AUTH_CANCELLED = Reply.of(501, "5.0.0", "Authentication cancelled");
    public static final Reply INVALID_BASE64 = Reply.of(501, "5.5.2", "Invalid base64 data");
    public static final Reply NOT_IMPLEMENTED = Reply.of(502, "5.5.1", "Command not implemented");
    public static final Reply ALREADY_AUTHENTICATED = Reply.of(503, "5.5.1", "Already authenticated");
    public static final Reply MECHANISM_UNSUPPORTED = Reply.of(504, "5.5.4", "Unrecognized authentication type");
    public static final Reply AUTH_REQUIRED = Reply.of(530, "5.7.0", "Authentication required");
    public static final Reply STARTTLS_REQUIRED = Reply.of(530, "5.7.0", "Must issue a STARTTLS command first");
    /**
     * MAIL FROM with REQUIRETLS on a session without TLS. RFC 8689 2 lets the option be given only on a TLS session
     * (and the keyword is only advertised after STARTTLS); it names no reply for this case, so Posthorn answers as
     * for any command that needs encryption first: 530 with 5.7.10 "Encryption needed" (RFC 5248).
     */
    public static final Reply REQUIRETLS_NEEDS_TLS =
            Reply.of(530, "5.7.10", "REQUIRETLS needs a TLS session; issue STARTTLS first");
    public static final Reply AUTH_FAILED = Reply.of(535, "5.7.8", "Authentication credentials invalid");
    public static final Reply ENCRYPTION_REQUIRED =
            Reply.of(538, "5.7.11", "Encryption required for requested authentication mechanism");
    public static final Reply MESSAGE_TOO_BIG = Reply.of(552, "5.3.4", "Message size exceeds fixed maximum message size");
    public static final Reply NON_ASCII_ADDRESS =
            Reply.of(553, "5.6.7", "Non-ASCII address not permitted without SMTPUTF8");
    public static final Reply NO_VALID_RECIPIENTS = Reply.of(554, "5.5.1", "No valid recipients");
    public static final Reply EARLY_TALKER = Reply.of(554, "5.5.1", "Protocol error: data sent before greeting");
    public static final Reply PLAINTEXT_INJECTION =
            Reply.of(554, "5.5.1", "Protocol error: commands pipelined after STARTTLS");
    public static final Reply RELAY_DENIED = Reply.of(550, "5.7.1", "Relay access denied");
    public static final Reply NO_SUCH_USER = Reply.of(550, "5.1.1", "No such user here");
    public static final Reply TRANSACTION_FAILED = Reply.of(554, "5.0.0", "Transaction failed");

    public static Reply syntax(String text) {
        return Reply.of(501, "5.5.4", text);
    }

    public static Reply syntaxInParameters(String text) {
        return Reply.of(501, "5.5.4", text);
    }

    public static Reply badSequence(String text) {
        return Reply.of(503, "5.5.1", text);
    }

    public static Reply parameterUnrecognised(String text) {
        return Reply.of(555, "5.5.4", text);
    }
}
