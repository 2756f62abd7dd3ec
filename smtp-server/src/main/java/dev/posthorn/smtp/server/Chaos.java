package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Faults on purpose, for testing how mail senders cope: per SMTP stage a rule that, with a probability, answers
 * with a given reply, waits before going on, drops the connection, or stalls (says nothing until the client gives up
 * or the stall ends, then closes). Draws come from one seeded generator, so the same seed and the same sequence of
 * stages give the same faults. Rules can be changed while the server runs; the server asks {@link #draw} at each
 * stage.
 */
public final class Chaos {

    /** Where in a session a fault can strike. */
    public enum Stage { CONNECT, EHLO, AUTH, MAIL, RCPT, DATA, END_OF_DATA }

    /** What happens when a rule fires. */
    public sealed interface Fault {
        /** Answer with {@code reply} (4xx or 5xx) instead of going on (at END_OF_DATA the message is discarded). */
        record Respond(Reply reply) implements Fault {
        }

        /** Wait {@code delay}, then go on as usual. */
        record Delay(Duration delay) implements Fault {
        }

        /** Close the connection without a reply. */
        record Disconnect() implements Fault {
        }

        /** Say nothing for {@code duration} (or until the client closes), then close without a reply. */
        record Stall(Duration duration) implements Fault {
        }
    }

    /** One rule: at {@code stage}, with {@code probability} (0 to 1), {@code fault}. */
    public record Rule(Stage stage, double probability, Fault fault) {
        public Rule {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(fault, "fault");
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("probability must be between 0 and 1: " + probability);
            }
        }
    }

    private Chaos() {
    }

    /** No rules, drawing from {@code seed}. */
    public static Chaos seeded(long seed) {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /**
     * A rule from its text form, as given on the command line: {@code STAGE:FAULT[:p=PROBABILITY]} where FAULT is
     * {@code reply=CODE[ ENHANCED] TEXT}, {@code delay=DURATION}, {@code disconnect} or {@code stall[=DURATION]},
     * e.g. {@code rcpt:reply=451 4.3.0 Try again later:p=0.5} or {@code data:delay=2s}.
     */
    public static Rule parse(String text) {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** Sets the rule for its stage (replacing the one there); returns this. */
    public Chaos set(Rule rule) {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** Removes the rule for {@code stage}; returns this. */
    public Chaos clear(Stage stage) {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** Removes every rule and starts the generator again from {@code seed}; returns this. */
    public Chaos reset(long seed) {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** The rules now in force, in stage order. */
    public List<Rule> rules() {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** The seed the generator started from. */
    public long seed() {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }

    /** The fault to apply at {@code stage} now, if its rule fires. */
    public Optional<Fault> draw(Stage stage) {
        throw new UnsupportedOperationException("issue 13: not written yet");
    }
}
