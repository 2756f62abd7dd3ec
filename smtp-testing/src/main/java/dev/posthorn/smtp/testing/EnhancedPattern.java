package dev.posthorn.smtp.testing;

import dev.posthorn.smtp.EnhancedStatus;

/**
 * What RFC 3463 enhanced status an {@code S:} step accepts: exact ({@code 5.5.1}) or with {@code x} for any subject
 * or detail ({@code 5.x.x}, {@code 5.7.x}), because the RFCs sometimes allow several details for one situation.
 *
 * @param codeClass 2, 4 or 5
 * @param subject   0 to 999, or {@link #ANY}
 * @param detail    0 to 999, or {@link #ANY}
 */
public record EnhancedPattern(int codeClass, int subject, int detail) {

    /** Stands for {@code x}: any number matches. */
    public static final int ANY = -1;

    public EnhancedPattern {
        if (codeClass != 2 && codeClass != 4 && codeClass != 5) {
            throw new IllegalArgumentException("enhanced status class must be 2, 4 or 5: " + codeClass);
        }
        if (!inRange(subject) || !inRange(detail)) {
            throw new IllegalArgumentException("enhanced status subject and detail are 0..999 or x");
        }
    }

    /** Parses {@code 5.5.1} or {@code 5.x.x}; throws {@link IllegalArgumentException} otherwise. */
    public static EnhancedPattern parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3 || !parts[0].matches("[245]") || !isPart(parts[1]) || !isPart(parts[2])) {
            throw new IllegalArgumentException("not an enhanced status pattern: " + Escapes.printable(text)
                    + " (expected e.g. 5.5.1 or 5.x.x)");
        }
        return new EnhancedPattern(Integer.parseInt(parts[0]), value(parts[1]), value(parts[2]));
    }

    /** Package-private so the public API names no smtp-core type (the module's {@code requires} is not transitive). */
    boolean matches(EnhancedStatus status) {
        return status.codeClass() == codeClass && (subject == ANY || status.subject() == subject)
                && (detail == ANY || status.detail() == detail);
    }

    @Override
    public String toString() {
        return codeClass + "." + (subject == ANY ? "x" : subject) + "." + (detail == ANY ? "x" : detail);
    }

    private static boolean isPart(String part) {
        return part.equals("x") || part.matches("[0-9]{1,3}");
    }

    private static int value(String part) {
        return part.equals("x") ? ANY : Integer.parseInt(part);
    }

    private static boolean inRange(int value) {
        return value == ANY || value >= 0 && value <= 999;
    }
}
