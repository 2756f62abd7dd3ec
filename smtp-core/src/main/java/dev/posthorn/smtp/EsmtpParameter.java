package dev.posthorn.smtp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One {@code keyword[=value]} of a MAIL or RCPT command (RFC 5321 4.1.2 {@code esmtp-param}).
 *
 * @param keyword upper-cased keyword
 * @param value   the value, or {@code null} when absent
 */
record EsmtpParameter(String keyword, String value) {

    /**
     * RFC 5321 4.1.2 sets no length for {@code esmtp-keyword}; registered ones are a dozen characters. A keyword is
     * quoted in the refusal ("Unsupported parameter X"), and a reply line holds at most 512 octets
     * (4.5.3.1.5), so a longer keyword is refused as bad syntax instead of making a reply too long to send.
     */
    static final int MAX_KEYWORD = 64;

    /**
     * Splits the parameter part of a command into parameters, refusing bad syntax ({@code 501 5.5.4}) and a keyword
     * given twice ({@code 555 5.5.4}).
     */
    static List<EsmtpParameter> parseAll(String text) throws CommandSyntaxException {
        List<EsmtpParameter> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String token : text.split(" ", -1)) {
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            String keyword = eq < 0 ? token : token.substring(0, eq);
            String value = eq < 0 ? null : token.substring(eq + 1);
            // Checked before upper-casing: Unicode case mapping would turn "\u017fIZE" into "SIZE".
            if (!isKeyword(keyword) || value != null && !isValue(value)) {
                throw new CommandSyntaxException(Replies.syntaxInParameters("Invalid parameter syntax"));
            }
            keyword = keyword.toUpperCase(Locale.ROOT);
            if (!seen.add(keyword)) {
                throw new CommandSyntaxException(Replies.parameterUnrecognised("Parameter given twice"));
            }
            out.add(new EsmtpParameter(keyword, value));
        }
        return out;
    }

    /** The value, refusing a missing one with {@code 501 5.5.4}. */
    String requireValue() throws CommandSyntaxException {
        if (value == null || value.isEmpty()) {
            throw new CommandSyntaxException(Replies.syntaxInParameters(keyword + " needs a value"));
        }
        return value;
    }

    void requireNoValue() throws CommandSyntaxException {
        if (value != null) {
            throw new CommandSyntaxException(Replies.syntaxInParameters(keyword + " takes no value"));
        }
    }

    private static boolean isKeyword(String keyword) {
        if (keyword.isEmpty() || keyword.length() > MAX_KEYWORD || !Character.isLetterOrDigit(keyword.charAt(0))) {
            return false;
        }
        return keyword.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '-'));
    }

    private static boolean isValue(String value) {
        // RFC 5321 esmtp-value: %d33-60 / %d62-126, extended by RFC 6531 with UTF-8.
        return !value.isEmpty() && value.chars().allMatch(c -> c >= 33 && c <= 126 && c != '=' || c >= 0x80);
    }
}
