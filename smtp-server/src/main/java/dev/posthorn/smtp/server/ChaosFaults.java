package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Command;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Where a connection meets its server's {@link Chaos}: which stage a command is, and what a drawn fault makes the
 * connection do. Kept apart so that the {@link Session} stays the protocol's state machine and knows nothing of
 * faults on purpose.
 */
final class ChaosFaults {

    private final Chaos chaos;

    /** @param chaos the server's rules, or {@code null} for none */
    ChaosFaults(Chaos chaos) {
        this.chaos = chaos;
    }

    /** The fault drawn at {@code stage}, or {@code null} (also when there is no chaos or no stage). */
    Chaos.Fault draw(Chaos.Stage stage) {
        return chaos == null || stage == null ? null : chaos.draw(stage).orElse(null);
    }

    /** The stage {@code command} is, or {@code null} when faults never strike there (NOOP, RSET, QUIT, ...). */
    static Chaos.Stage stageOf(Command command) {
        return switch (command) {
            case Command.Helo helo -> Chaos.Stage.EHLO;
            case Command.Ehlo ehlo -> Chaos.Stage.EHLO;
            case Command.Auth auth -> Chaos.Stage.AUTH;
            case Command.Mail mail -> Chaos.Stage.MAIL;
            case Command.Rcpt rcpt -> Chaos.Stage.RCPT;
            case Command.Data data -> Chaos.Stage.DATA;
            case Command.Bdat bdat -> Chaos.Stage.DATA;
            default -> null;
        };
    }

    /**
     * What {@code fault} makes the connection do instead of {@code command}: a reply (a BDAT's chunk is read and
     * dropped first, to stay in step), or a hang-up. A delay is no action of its own: the caller waits, then goes on.
     */
    static Action instead(Chaos.Fault fault, Command command) {
        return switch (fault) {
            case Chaos.Fault.Respond respond -> command instanceof Command.Bdat bdat
                    ? new Action.SkipChunk(bdat, respond.reply())
                    : new Action.Respond(respond.reply());
            case Chaos.Fault.Disconnect disconnect -> new Action.HangUp(Duration.ZERO);
            case Chaos.Fault.Stall stall -> new Action.HangUp(stall.duration());
            case Chaos.Fault.Delay delay -> throw new IllegalArgumentException("a delay replaces nothing");
        };
    }

    /**
     * The sink a message goes to when {@code fault} was drawn at END_OF_DATA: the embedder's for none or a delay,
     * else one that reads the message to its end and drops it, answering the fault's reply (a hang-up's placeholder
     * reply is never sent).
     */
    static MessageSink sink(Chaos.Fault fault, MessageSink sink) {
        if (fault == null || fault instanceof Chaos.Fault.Delay) {
            return sink;
        }
        Reply reply = fault instanceof Chaos.Fault.Respond respond ? respond.reply() : Replies.LOCAL_ERROR;
        return (envelope, message) -> {
            message.transferTo(OutputStream.nullOutputStream());
            return reply;
        };
    }
}
