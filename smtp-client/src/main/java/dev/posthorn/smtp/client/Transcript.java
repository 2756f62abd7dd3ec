package dev.posthorn.smtp.client;

import dev.posthorn.smtp.Reply;

/**
 * What a client session said and heard, for an embedder that wants to show the dialogue of a failed delivery (the
 * "explain" of an MTA). Optional: a client without one records nothing. Credentials never reach it (AUTH lines are
 * given with their arguments replaced by {@code ****}), nor does message data (given as one placeholder line).
 *
 * <p>Called on the session's thread, once per command line sent and once per reply read; an implementation should
 * keep only a bounded tail and do no formatting there.
 */
public interface Transcript {

    /** A command line as sent, without CRLF (AUTH arguments redacted). */
    void sent(String command);

    /** A reply as read. */
    void received(Reply reply);
}
