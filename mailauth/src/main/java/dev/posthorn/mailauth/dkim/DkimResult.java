package dev.posthorn.mailauth.dkim;

import java.util.Objects;

/**
 * The outcome of checking one DKIM-Signature field (RFC 6376 6.1), in the words of an Authentication-Results field
 * (RFC 8601 2.7.1). A message without signatures has no results at all (RFC 8601's {@code none}).
 *
 * @param status     the outcome
 * @param domain     the signing domain, {@code d=} (lower case), for {@code header.d}; empty when it could not be read
 * @param selector   the selector, {@code s=}, for {@code header.s}; empty when it could not be read
 * @param signatureB the first {@value #B_PREFIX} characters of {@code b=} without white space, for {@code header.b}
 *                   (RFC 6008 2: enough to tell signatures apart); empty when it could not be read
 * @param reason     why, in a few words, for the result's comment; never contains CR or LF
 * @param algorithm  the signing algorithm as written in {@code a=} when it is one Posthorn knows (for
 *                   {@code header.a}); else empty
 * @param identity   the agent or user identifier, {@code i=} (default {@code @d}), for {@code header.i}; empty when it
 *                   could not be read
 */
public record DkimResult(Status status, String domain, String selector, String signatureB, String reason,
                         String algorithm, String identity) {

    /** How much of {@code b=} a result keeps. */
    public static final int B_PREFIX = 12;

    /** The results of RFC 8601 2.7.1 that a signature can have. */
    public enum Status { PASS, FAIL, NEUTRAL, POLICY, TEMPERROR, PERMERROR;

        /** The name in an Authentication-Results field: {@code pass}, {@code fail}, ... */
        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public DkimResult {
        Objects.requireNonNull(status, "status");
        domain = printable(domain);
        selector = printable(selector);
        signatureB = printable(signatureB);
        reason = printable(reason);
        algorithm = printable(algorithm);
        identity = printable(identity);
    }

    /** A result without algorithm and identity (the shape the first users of this type were written against). */
    public DkimResult(Status status, String domain, String selector, String signatureB, String reason) {
        this(status, domain, selector, signatureB, reason, "", "");
    }

    /**
     * Text from the message (domain, selector, reason quoting a tag) is reduced to printable ASCII: a result ends up
     * in a header field and in logs, where CR, LF or control characters would forge lines.
     */
    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), 256));
        for (int i = 0; i < text.length() && out.length() < 256; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
