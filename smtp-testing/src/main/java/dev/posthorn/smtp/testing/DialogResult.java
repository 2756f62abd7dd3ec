package dev.posthorn.smtp.testing;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of playing one {@link Dialog}: a failed expectation is a result, not an exception, so a test suite can
 * run every case and report each with its transcript. The message and transcript are made printable here, whatever
 * their source, so a report never carries a raw control character.
 *
 * @param name       the dialogue's name
 * @param passed     whether every step held
 * @param failedStep the index in {@link Dialog#steps()} of the step that failed; -1 when passed or when the
 *                   connection could not even be opened
 * @param failedLine the file line of that step; 0 when passed or when the connection could not be opened
 * @param message    empty when passed; otherwise what was expected and what happened instead
 * @param transcript what was sent ({@code C: }, {@code C~ }), received ({@code S: }, {@code S~ }) and observed
 *                   ({@code -- }), in order
 */
public record DialogResult(String name, boolean passed, int failedStep, int failedLine, String message,
        List<String> transcript) {

    public DialogResult {
        name = Escapes.printable(Objects.requireNonNull(name, "name"));
        message = Escapes.printable(Objects.requireNonNull(message, "message"));
        transcript = transcript.stream().map(Escapes::printable).toList();
        if (passed && (failedStep != -1 || failedLine != 0 || !message.isEmpty())) {
            throw new IllegalArgumentException("a passed result has no failing step and no message");
        }
        if (!passed && message.isEmpty()) {
            throw new IllegalArgumentException("a failed result says why");
        }
    }

    static DialogResult pass(String name, List<String> transcript) {
        return new DialogResult(name, true, -1, 0, "", transcript);
    }

    static DialogResult fail(String name, int step, int line, String message, List<String> transcript) {
        return new DialogResult(name, false, step, line, message, transcript);
    }

    /** A multi-line report: the verdict, the reason, then the indented transcript. */
    public String report() {
        StringBuilder out = new StringBuilder(name).append(passed ? ": passed" : ": FAILED: " + message);
        for (String line : transcript) {
            out.append(System.lineSeparator()).append("    ").append(line);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return report();
    }
}
