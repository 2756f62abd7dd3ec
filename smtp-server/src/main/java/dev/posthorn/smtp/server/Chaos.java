package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Faults on purpose, for testing how mail senders cope: per SMTP stage a rule that, with a probability, answers
 * with a given reply, waits before going on, drops the connection, or stalls (says nothing until the client gives up
 * or the stall ends, then closes). Draws come from one seeded generator, so the same seed and the same sequence of
 * stages give the same faults. Rules can be changed while the server runs; the server asks {@link #draw} at each
 * stage.
 *
 * <p>Thread safety: rules and generator are guarded by one lock, so a rule set from another thread (the HTTP API, a
 * test) applies from the next draw on. A draw takes a number from the generator only when its stage has a rule; one
 * connection's sequence of stages therefore repeats exactly for one seed, while connections running at the same time
 * interleave their draws in whatever order they reach them.
 *
 * <p>What the server does with each fault, per stage: see {@link SmtpServer.Builder#chaos(Chaos)}.
 */
public final class Chaos {

    /** What a {@code stall} without a duration lasts: longer than most clients wait for a reply they expect soon. */
    public static final Duration DEFAULT_STALL = Duration.ofSeconds(60);

    /**
     * The longest delay or stall: each holds a connection and a thread, and a rule comes from the API as well as the
     * command line, so a typo such as {@code 999999h} must not park connections for a century.
     */
    public static final Duration MAX_DURATION = Duration.ofHours(1);

    /** Where in a session a fault can strike. */
    public enum Stage {
        CONNECT, EHLO, AUTH, MAIL, RCPT, DATA, END_OF_DATA;

        /** The name in the text form: {@code connect}, ..., {@code end-of-data}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * The stage named {@code name}, case-insensitively; {@code end-of-data}, {@code end_of_data} and {@code eod}
         * are one stage, as are {@code ehlo} and {@code helo}.
         */
        public static Stage of(String name) {
            String key = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (key) {
                case "eod", "end-of-data" -> END_OF_DATA;
                case "helo" -> EHLO;
                default -> {
                    for (Stage stage : values()) {
                        if (stage.label().equals(key)) {
                            yield stage;
                        }
                    }
                    throw new IllegalArgumentException("unknown chaos stage \"" + ChaosText.quote(name)
                            + "\": expected connect, ehlo, auth, mail, rcpt, data or end-of-data");
                }
            };
        }
    }

    /** What happens when a rule fires. */
    public sealed interface Fault {
        /** Answer with {@code reply} (4xx or 5xx) instead of going on (at END_OF_DATA the message is discarded). */
        record Respond(Reply reply) implements Fault {
            public Respond {
                Objects.requireNonNull(reply, "reply");
                if (reply.isPositive()) {
                    throw new IllegalArgumentException("a chaos reply must be 4xx or 5xx: " + reply);
                }
            }
        }

        /** Wait {@code delay} (at most {@link Chaos#MAX_DURATION}), then go on as usual. */
        record Delay(Duration delay) implements Fault {
            public Delay {
                bounded(delay, "delay");
            }
        }

        /** Close the connection without a reply. */
        record Disconnect() implements Fault {
        }

        /**
         * Say nothing for {@code duration} (at most {@link Chaos#MAX_DURATION}; or until the client closes), then close
         * without a reply.
         */
        record Stall(Duration duration) implements Fault {
            public Stall {
                bounded(duration, "stall");
            }
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

        /** The text form, which {@link Chaos#parse} reads back. */
        @Override
        public String toString() {
            return format(this);
        }
    }

    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final Map<Stage, Rule> rules = new EnumMap<>(Stage.class);
    /** Guarded by {@link #lock}. */
    private long seed;
    /** Guarded by {@link #lock}: SplittableRandom is not thread-safe, and one stream keeps draws repeatable. */
    private SplittableRandom random;

    private Chaos(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** No rules, drawing from {@code seed}. */
    public static Chaos seeded(long seed) {
        return new Chaos(seed);
    }

    /**
     * A rule from its text form, as given on the command line: {@code STAGE:FAULT[:p=PROBABILITY]} where FAULT is
     * {@code reply=CODE[ ENHANCED] TEXT}, {@code delay=DURATION}, {@code disconnect} or {@code stall[=DURATION]},
     * e.g. {@code rcpt:reply=451 4.3.0 Try again later:p=0.5} or {@code data:delay=2s}. Stages are named as in
     * {@link Stage#of}; a DURATION is a whole number with {@code ns}, {@code ms}, {@code s}, {@code m} or {@code h};
     * {@code stall} alone lasts {@link #DEFAULT_STALL}; a delay or stall lasts at most {@link #MAX_DURATION}; the
     * probability defaults to 1.
     *
     * @throws IllegalArgumentException naming what is wrong in {@code text}
     */
    public static Rule parse(String text) {
        return ChaosText.parse(text);
    }

    /** The text form of {@code rule}: {@code parse(format(rule))} equals {@code rule} for single-line replies. */
    public static String format(Rule rule) {
        return ChaosText.format(rule);
    }

    /** Sets the rule for its stage (replacing the one there); returns this. */
    public Chaos set(Rule rule) {
        Objects.requireNonNull(rule, "rule");
        synchronized (lock) {
            rules.put(rule.stage(), rule);
        }
        return this;
    }

    /**
     * Replaces every rule by {@code replacement} and starts the generator again from {@code seed}, in one step: a
     * draw at the same time sees either the old rules or the new ones, never none. Nothing changes when
     * {@code replacement} holds two rules for one stage (which {@link #set} one after the other would let the last
     * win without a word).
     *
     * @throws IllegalArgumentException naming the stage that has two rules
     */
    public Chaos replace(long seed, List<Rule> replacement) {
        Map<Stage, Rule> byStage = new EnumMap<>(Stage.class);
        for (Rule rule : replacement) {
            Objects.requireNonNull(rule, "rule");
            Rule before = byStage.putIfAbsent(rule.stage(), rule);
            if (before != null) {
                throw new IllegalArgumentException("two chaos rules for stage " + rule.stage().label() + ": \""
                        + ChaosText.quote(format(before)) + "\" and \"" + ChaosText.quote(format(rule))
                        + "\"; give one per stage");
            }
        }
        synchronized (lock) {
            rules.clear();
            rules.putAll(byStage);
            this.seed = seed;
            this.random = new SplittableRandom(seed);
        }
        return this;
    }

    /** Removes the rule for {@code stage}; returns this. */
    public Chaos clear(Stage stage) {
        Objects.requireNonNull(stage, "stage");
        synchronized (lock) {
            rules.remove(stage);
        }
        return this;
    }

    /** Removes every rule and starts the generator again from {@code seed}; returns this. */
    public Chaos reset(long seed) {
        synchronized (lock) {
            rules.clear();
            this.seed = seed;
            this.random = new SplittableRandom(seed);
        }
        return this;
    }

    /** The rules now in force, in stage order. */
    public List<Rule> rules() {
        synchronized (lock) {
            return List.copyOf(new ArrayList<>(rules.values()));
        }
    }

    /** The seed the generator started from. */
    public long seed() {
        synchronized (lock) {
            return seed;
        }
    }

    /**
     * The fault to apply at {@code stage} now, if its rule fires. A stage without a rule takes nothing from the
     * generator; one with a rule always takes one number, whatever its probability (so setting p=0 or p=1 on one
     * stage does not shift the draws of the others).
     */
    public Optional<Fault> draw(Stage stage) {
        Objects.requireNonNull(stage, "stage");
        synchronized (lock) {
            Rule rule = rules.get(stage);
            if (rule == null) {
                return Optional.empty();
            }
            boolean fires = random.nextDouble() < rule.probability();
            return fires ? Optional.of(rule.fault()) : Optional.empty();
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "Chaos[seed=" + seed + ", rules=" + rules.values() + "]";
        }
    }

    private static void bounded(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + duration);
        }
        if (duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("a chaos " + name + " must be at most "
                    + ChaosText.format(MAX_DURATION) + ", got " + ChaosText.format(duration));
        }
    }
}
