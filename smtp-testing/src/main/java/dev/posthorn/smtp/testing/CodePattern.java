package dev.posthorn.smtp.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What reply codes an {@code S:} step accepts: an exact code ({@code 250}), a class with {@code x} for any digit
 * ({@code 2xx}, {@code 45x}), or alternatives joined with {@code |} ({@code 2xx|5xx}). Classes exist because RFC 5321
 * often leaves a choice (500 or 502 for an unknown command) and a conformance case must not demand more than the RFC.
 *
 * @param alternatives three-character patterns, each a digit 2 to 5 followed by two digits or {@code x}
 */
public record CodePattern(List<String> alternatives) {

    public CodePattern {
        alternatives = List.copyOf(Objects.requireNonNull(alternatives, "alternatives"));
        if (alternatives.isEmpty()) {
            throw new IllegalArgumentException("a code pattern needs at least one alternative");
        }
        for (String alternative : alternatives) {
            if (!isAlternative(alternative)) {
                throw new IllegalArgumentException("not a reply code pattern: " + Escapes.printable(alternative)
                        + " (expected e.g. 250, 2xx, 45x or 2xx|5xx)");
            }
        }
    }

    /** Parses {@code 250}, {@code 2xx} or {@code 250|251}; throws {@link IllegalArgumentException} otherwise. */
    public static CodePattern parse(String text) {
        return new CodePattern(Arrays.asList(text.split("\\|", -1)));
    }

    public boolean matches(int code) {
        String digits = Integer.toString(code);
        return alternatives.stream().anyMatch(alternative -> digits.length() == 3
                && matchesAt(alternative, digits, 0) && matchesAt(alternative, digits, 1)
                && matchesAt(alternative, digits, 2));
    }

    /** Whether some accepted code is of class {@code codeClass} (2, 4 or 5); used to refuse impossible steps. */
    public boolean allowsClass(int codeClass) {
        return alternatives.stream().anyMatch(alternative -> alternative.charAt(0) - '0' == codeClass);
    }

    @Override
    public String toString() {
        return String.join("|", alternatives);
    }

    private static boolean matchesAt(String alternative, String digits, int index) {
        char wanted = alternative.charAt(index);
        return wanted == 'x' || wanted == digits.charAt(index);
    }

    private static boolean isAlternative(String text) {
        return text != null && text.length() == 3 && text.charAt(0) >= '2' && text.charAt(0) <= '5'
                && isDigitOrAny(text.charAt(1)) && isDigitOrAny(text.charAt(2));
    }

    private static boolean isDigitOrAny(char c) {
        return c == 'x' || c >= '0' && c <= '9';
    }
}
