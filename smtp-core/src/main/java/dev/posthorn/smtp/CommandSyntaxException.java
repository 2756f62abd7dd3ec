package dev.posthorn.smtp;

import java.util.Objects;

/** A command that cannot be accepted as written, with the exact reply the server sends for it. */
public final class CommandSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Reply reply;

    public CommandSyntaxException(Reply reply) {
        super(Objects.requireNonNull(reply, "reply").toString(), null, false, false);
        this.reply = reply;
    }

    public Reply reply() {
        return reply;
    }
}
