package dev.posthorn.smtp;

/**
 * An RFC 3463 enhanced mail system status code, {@code class.subject.detail}.
 *
 * @param codeClass 2 (success), 4 (persistent transient failure) or 5 (permanent failure)
 * @param subject   0 to 999
 * @param detail    0 to 999
 */
public record EnhancedStatus(int codeClass, int subject, int detail) {

    public EnhancedStatus {
        if (codeClass != 2 && codeClass != 4 && codeClass != 5) {
            throw new IllegalArgumentException("enhanced status class must be 2, 4 or 5: " + codeClass);
        }
        if (subject < 0 || subject > 999 || detail < 0 || detail > 999) {
            throw new IllegalArgumentException("enhanced status subject and detail are 0..999");
        }
    }

    /** Parses {@code "5.1.1"}; throws {@link IllegalArgumentException} on anything else. */
    public static EnhancedStatus parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3 || parts[0].length() != 1) {
            throw new IllegalArgumentException("not an enhanced status code: " + text);
        }
        try {
            for (String part : parts) {
                if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new IllegalArgumentException("not an enhanced status code: " + text);
                }
            }
            return new EnhancedStatus(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an enhanced status code: " + text, e);
        }
    }

    /** Whether {@code text} looks like an enhanced status code (used by the reply parser). */
    public static boolean isStatus(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return codeClass + "." + subject + "." + detail;
    }
}
