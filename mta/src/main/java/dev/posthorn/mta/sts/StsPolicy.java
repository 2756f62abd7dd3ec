package dev.posthorn.mta.sts;

import dev.posthorn.mta.tls.DnsId;
import dev.posthorn.smtp.Domain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An MTA-STS policy as fetched from {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 3.2):
 * {@code key: value} lines ending in LF or CRLF, with {@code version: STSv1}, a {@code mode}, a {@code max_age} and
 * the {@code mx} patterns. Unknown keys are ignored (the RFC's extensions); of a key other than {@code mx} that is
 * repeated, the first value counts.
 *
 * @param mode   what a sender does with it
 * @param mx     the MX host patterns, lower case: a host name, or {@code *.} and a domain (one label, {@link DnsId})
 * @param maxAge how long the policy may be cached, at most {@value #MAX_AGE_LIMIT} seconds (a year; longer values
 *               are cut to it)
 */
public record StsPolicy(Mode mode, List<String> mx, Duration maxAge) {

    /** RFC 8461 3.2: max_age is at most 31557600 seconds. */
    public static final long MAX_AGE_LIMIT = 31_557_600;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

    /** The policy's {@code mode} (RFC 8461 5). */
    public enum Mode {
        /** Deliver only to matching MX hosts, over TLS with a valid certificate; otherwise not at all. */
        ENFORCE("enforce"),
        /** Deliver as if there were no policy, and report what would have failed (RFC 8460; here: the log). */
        TESTING("testing"),
        /** No policy: the domain withdraws one it had published. */
        NONE("none");

        private final String text;

        Mode(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    public StsPolicy {
        Objects.requireNonNull(mode, "mode");
        mx = List.copyOf(mx);
        if (maxAge.isNegative() || maxAge.getSeconds() > MAX_AGE_LIMIT) {
            throw new IllegalArgumentException("max_age out of range: " + maxAge);
        }
        if (mx.isEmpty() && mode != Mode.NONE) {
            throw new IllegalArgumentException("a policy in mode " + mode + " needs at least one mx");
        }
    }

    /** Whether MX host {@code host} may receive the domain's mail (RFC 8461 4.1). */
    public boolean allows(String host) {
        return mx.stream().anyMatch(pattern -> DnsId.matches(pattern, host));
    }

    /**
     * Reads a policy body.
     *
     * @throws IllegalArgumentException with the reason, for a body that is no valid policy (which RFC 8461 3.3
     *                                  treats as no policy); the reason never quotes the body
     */
    public static StsPolicy parse(String body) {
        String version = null;
        String mode = null;
        String maxAge = null;
        List<String> mx = new ArrayList<>();
        int lineNumber = 0;
        for (String raw : body.split("\r?\n", -1)) {
            lineNumber++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 1 || !KEY.matcher(line.substring(0, colon)).matches()) {
                throw new IllegalArgumentException("line " + lineNumber + " is no key: value field");
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version" -> version = version == null ? value : version;
                case "mode" -> mode = mode == null ? value : mode;
                case "max_age" -> maxAge = maxAge == null ? value : maxAge;
                case "mx" -> mx.add(pattern(value, lineNumber));
                default -> { }   // an extension (RFC 8461 3.2): ignored
            }
        }
        if (!"STSv1".equals(version)) {
            throw new IllegalArgumentException(version == null ? "no version field" : "version is not STSv1");
        }
        if (mode == null) {
            throw new IllegalArgumentException("no mode field");
        }
        Mode parsed = switch (mode) {
            case "enforce" -> Mode.ENFORCE;
            case "testing" -> Mode.TESTING;
            case "none" -> Mode.NONE;
            default -> throw new IllegalArgumentException("mode is not enforce, testing or none");
        };
        if (maxAge == null || !DIGITS.matcher(maxAge).matches()) {
            throw new IllegalArgumentException(maxAge == null ? "no max_age field" : "max_age is not 1 to 10 digits");
        }
        long seconds = Math.min(Long.parseLong(maxAge), MAX_AGE_LIMIT);
        return new StsPolicy(parsed, mx, Duration.ofSeconds(seconds));
    }

    /** An mx value: {@code ["*."] Domain} (RFC 8461 3.2), in ASCII. */
    private static String pattern(String value, int lineNumber) {
        String domain = value.startsWith("*.") ? value.substring(2) : value;
        if (!Domain.isValid(domain) || !domain.chars().allMatch(c -> c < 0x80)) {
            throw new IllegalArgumentException("line " + lineNumber + ": mx is not a host name or *.domain");
        }
        return value.toLowerCase(Locale.ROOT);
    }
}
