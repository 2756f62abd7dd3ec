package dev.posthorn.mailauth.arc;

import java.util.Locale;
import java.util.Objects;

/**
 * The chain validation status of a message (RFC 8617 4.4), in Authentication-Results terms (RFC 8617 10.1, method
 * {@code arc}).
 *
 * @param status     pass, fail or none
 * @param instances  how many ARC sets the message has (the highest instance number, 0 for none)
 * @param oldestPass RFC 8617 5.2 step 6: the lowest instance from which every newer ARC-Message-Signature still
 *                   validates, 0 when all do; meaningful for pass only
 * @param domain     {@code d=} of the newest ARC-Seal when it could be read, lower case; else empty
 * @param reason     why, in a few words; printable ASCII only
 */
public record ArcResult(Status status, int instances, int oldestPass, String domain, String reason) {

    /** The chain validation statuses of RFC 8617 4.4, which are also the values of {@code cv=}. */
    public enum Status { NONE, PASS, FAIL;

        /** {@code none}, {@code pass} or {@code fail}: the keyword of {@code cv=} and of {@code arc=}. */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The result for a message without ARC fields. */
    public static final ArcResult NONE = new ArcResult(Status.NONE, 0, 0, "", "no ARC sets");

    public ArcResult {
        Objects.requireNonNull(status, "status");
        domain = printable(domain);
        reason = printable(reason);
    }

    static ArcResult fail(int instances, String reason) {
        return new ArcResult(Status.FAIL, instances, 0, "", reason);
    }

    /** Text from the message ends up in a header field and in logs: no CR, LF or controls, at most 200 chars. */
    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 200; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
