package dev.posthorn.mta.routing;

import dev.posthorn.smtp.Domain;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The two name grammars an operator writes in the file: domain names (the host name, local domains) and local parts
 * (mailboxes, aliases). Each check returns the reason a name is refused, so the loader can put it next to the line.
 */
public final class Names {

    /** RFC 5321 4.5.3.1.1. */
    public static final int MAX_LOCAL_PART = 64;
    private static final java.util.regex.Pattern PLAIN_NAME =
            java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._+-]{0,63}");

    private Names() {
    }

    /**
     * Checks the keys of a domain-keyed mapping built in code (routes, per-domain TLS policies) as the loader would
     * have: domain names, in lower case, each with a value.
     *
     * @throws IllegalArgumentException naming {@code what} and the first key that is wrong
     */
    public static <V> Map<String, V> domainKeyed(String what, Map<String, V> map) {
        for (Map.Entry<String, V> entry : map.entrySet()) {
            String domain = entry.getKey();
            domainProblem(domain).ifPresent(reason -> {
                throw new IllegalArgumentException(what + ": " + reason + ": " + domain);
            });
            if (!domain.equals(domain.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(what + ": domain names are kept in lower case: " + domain);
            }
            Objects.requireNonNull(entry.getValue(), what + " of " + domain);
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /**
     * Why {@code text} is not a usable domain name, if it is not. Only ASCII (A-labels): the host name goes into
     * EHLO and Received headers, which need A-labels without SMTPUTF8 (RFC 5890, RFC 6531 3.7.3). A last label of
     * digits only would be read as an IPv4 address (RFC 3696 2).
     */
    public static Optional<String> domainProblem(String text) {
        if (!Domain.isValid(text)) {
            return Optional.of("not a valid domain name");
        }
        if (!text.chars().allMatch(c -> c < 0x80)) {
            return Optional.of("write the domain in its ASCII form (xn--...)");
        }
        String last = text.substring(text.lastIndexOf('.') + 1);
        if (last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of("not a domain name (the last label is numeric)");
        }
        return Optional.empty();
    }

    /**
     * Why {@code text} is not a dot-atom local part (RFC 5322 3.2.3, with RFC 6531 3.3's UTF-8), if it is not.
     * Quoted local parts are not accepted for local mailboxes: nobody needs {@code "john doe"} as a mailbox name,
     * and they would make file names and lookups harder to reason about.
     */
    public static Optional<String> localPartProblem(String text) {
        if (text.isEmpty()) {
            return Optional.of("empty local part");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_PART) {
            return Optional.of("local part longer than 64 octets");
        }
        boolean atomStart = true;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            int c = text.codePointAt(i);
            if (c == '.') {
                if (atomStart) {
                    return Optional.of("not a dot-atom local part (empty atom)");
                }
                atomStart = true;
            } else if (isAtext(c)) {
                atomStart = false;
            } else {
                return Optional.of("not a dot-atom local part (character " + describe(c) + ")");
            }
        }
        return atomStart ? Optional.of("not a dot-atom local part (ends with a dot)") : Optional.empty();
    }

    /** See {@link Mailboxes#isPlainName}. */
    public static boolean isPlainName(String localPart) {
        return PLAIN_NAME.matcher(localPart).matches();
    }

    /**
     * Local parts are compared without regard to case, as virtually every MTA does (RFC 5321 2.4 allows a host to
     * do so for its own mailboxes), so the configuration keeps them in lower case. Only ASCII letters are folded:
     * Unicode case mapping would make {@code \u212Aate} (KELVIN SIGN) or {@code \u017Fam} (LONG S) the same as
     * {@code kate} and {@code sam}; RFC 6531 3.3 leaves non-ASCII local parts to the domain, and here they match
     * exactly as written.
     */
    public static String canonicalLocalPart(String text) {
        char[] chars = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (chars == null) {
                    chars = text.toCharArray();
                }
                chars[i] = (char) (c + ('a' - 'A'));
            }
        }
        return chars == null ? text : new String(chars);
    }

    private static boolean isAtext(int c) {
        if (c >= 0x80) {
            return Character.isLetterOrDigit(c);
        }
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private static String describe(int c) {
        return c >= 0x21 && c < 0x7f ? "'" + (char) c + "'" : String.format("U+%04X", c);
    }
}
