package dev.posthorn.smtp.server;

import dev.posthorn.smtp.EnhancedStatus;
import dev.posthorn.smtp.LogText;
import dev.posthorn.smtp.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text form of {@link Chaos.Rule}s: {@code STAGE:FAULT[:p=PROBABILITY]}, as the command line takes them and the
 * CLI and the HTTP API print them. The text comes from an operator, not a peer, but may reach an HTTP answer in an
 * error message, so what is quoted back is escaped.
 */
final class ChaosText {

    /** The probability is the last field; a reply's text may hold colons, so only the end of the rule is looked at. */
    private static final Pattern PROBABILITY = Pattern.compile(":[pP]=([^:]*)$");
    private static final Pattern NUMBER = Pattern.compile("(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})(ns|ms|s|m|h)?", Pattern.CASE_INSENSITIVE);
    /** {@code CODE[ X.Y.Z][ TEXT]}: the second word is an enhanced status only when it looks like one. */
    private static final Pattern REPLY = Pattern.compile("(\\d{3})(?: (\\d\\.\\d{1,3}\\.\\d{1,3}))?(?: (.*))?",
            Pattern.DOTALL);
    static final String DEFAULT_TEXT = "Fault on purpose (chaos)";

    private ChaosText() {
    }

    static Chaos.Rule parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no chaos rule given");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("a chaos rule is STAGE:FAULT[:p=PROBABILITY], got \"" + quote(text)
                    + "\"");
        }
        Chaos.Stage stage = Chaos.Stage.of(text.substring(0, colon));
        String rest = text.substring(colon + 1);
        double probability = 1;
        Matcher p = PROBABILITY.matcher(rest);
        if (p.find()) {
            probability = probability(p.group(1));
            rest = rest.substring(0, p.start());
        }
        return new Chaos.Rule(stage, probability, fault(rest.stripLeading()));
    }

    private static double probability(String text) {
        String value = text.strip();
        if (!NUMBER.matcher(value).matches()) {
            throw new IllegalArgumentException("chaos probability must be a number from 0 to 1, got \"" + quote(text)
                    + "\"");
        }
        double p = Double.parseDouble(value);
        if (p > 1) {
            throw new IllegalArgumentException("chaos probability must be from 0 to 1, got " + value);
        }
        return p;
    }

    private static Chaos.Fault fault(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("reply=")) {
            return new Chaos.Fault.Respond(reply(text.substring("reply=".length())));
        }
        if (lower.startsWith("delay=")) {
            return new Chaos.Fault.Delay(duration(text.substring("delay=".length())));
        }
        if (lower.strip().equals("disconnect")) {
            return new Chaos.Fault.Disconnect();
        }
        if (lower.strip().equals("stall")) {
            return new Chaos.Fault.Stall(Chaos.DEFAULT_STALL);
        }
        if (lower.startsWith("stall=")) {
            return new Chaos.Fault.Stall(duration(text.substring("stall=".length())));
        }
        throw new IllegalArgumentException("unknown chaos fault \"" + quote(text)
                + "\": expected reply=CODE[ ENHANCED] TEXT, delay=DURATION, disconnect or stall[=DURATION]");
    }

    private static Reply reply(String text) {
        Matcher m = REPLY.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("a chaos reply is CODE[ ENHANCED] TEXT with a 3-digit code, got \""
                    + quote(text) + "\"");
        }
        int code = Integer.parseInt(m.group(1));
        if (code < 400 || code > 599) {
            throw new IllegalArgumentException("a chaos reply must be 4xx or 5xx, got " + code);
        }
        String words = m.group(3) == null ? DEFAULT_TEXT : m.group(3);
        try {
            EnhancedStatus status = m.group(2) == null ? null : EnhancedStatus.parse(m.group(2));
            return new Reply(code, status, List.of(words));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad chaos reply \"" + quote(text) + "\": " + e.getMessage(), e);
        }
    }

    private static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("a chaos duration is a whole number with ns, ms, s, m or h (e.g. 500ms,"
                    + " 2s, 1m), got \"" + quote(text) + "\"");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        if (unit.isEmpty() && amount != 0) {
            throw new IllegalArgumentException("chaos duration \"" + quote(text) + "\" needs a unit: ns, ms, s, m or h");
        }
        try {
            return switch (unit) {
                case "ns", "" -> Duration.ofNanos(amount);
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("chaos duration too long: " + quote(text), e);
        }
    }

    static String format(Chaos.Rule rule) {
        String fault = switch (rule.fault()) {
            case Chaos.Fault.Respond respond -> "reply=" + respond.reply().code()
                    + (respond.reply().status() == null ? "" : " " + respond.reply().status())
                    + " " + respond.reply().text();
            case Chaos.Fault.Delay delay -> "delay=" + format(delay.delay());
            case Chaos.Fault.Disconnect disconnect -> "disconnect";
            case Chaos.Fault.Stall stall -> "stall=" + format(stall.duration());
        };
        String text = rule.stage().label() + ":" + fault;
        // A reply text that itself ends like a probability gets an explicit one, so parsing takes that instead.
        boolean ambiguous = PROBABILITY.matcher(fault).find();
        return rule.probability() == 1 && !ambiguous ? text : text + ":p=" + rule.probability();
    }

    /** The largest unit that states {@code duration} exactly. */
    static String format(Duration duration) {
        if (duration.getNano() % 1_000_000 != 0) {
            return duration.toNanos() + "ns";
        }
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis != 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis != 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0 && millis != 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    /** {@code text} made safe to quote in a message that may reach a log or an HTTP answer. */
    static String quote(String text) {
        return LogText.escape(text);
    }
}
