package dev.posthorn.mailauth.dkim;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The domain of a message's author (RFC 5322 3.6.2 From), which the signer signs for, so that the signature aligns
 * with it (RFC 7489 3.1.1). Only the plain cases are taken: one From field holding one mailbox, as a bare address or
 * in angle brackets, comments removed. Anything else (no From, several From fields, several authors, a group) gets
 * no signature: DMARC receivers refuse such messages anyway.
 */
public final class FromDomain {

    private FromDomain() {
    }

    public static Optional<String> of(HeaderSection section) {
        List<HeaderField> from = section.named("From");
        if (from.size() != 1) {
            return Optional.empty();
        }
        String value = withoutComments(Canonicalization.relaxed("from", from.getFirst().value()).substring(5));
        int open = value.indexOf('<');
        String address;
        if (open >= 0) {
            int close = value.indexOf('>', open);
            if (close < 0 || value.indexOf('<', open + 1) >= 0) {
                return Optional.empty();
            }
            address = value.substring(open + 1, close);
        } else {
            address = value;
        }
        if (outsideQuotes(value, ',') || outsideQuotes(value, ';')) {
            return Optional.empty(); // several authors, or a group
        }
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        String domain = address.substring(at + 1).strip().toLowerCase(Locale.ROOT);
        return SignatureField.isDomain(domain) ? Optional.of(domain) : Optional.empty();
    }

    private static String withoutComments(String value) {
        StringBuilder out = new StringBuilder(value.length());
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && (quoted || depth > 0)) {
                if (depth == 0) {
                    out.append(c).append(value.charAt(i + 1));
                }
                i++;
            } else if (c == '"' && depth == 0) {
                quoted = !quoted;
                out.append(c);
            } else if (c == '(' && !quoted) {
                depth++;
            } else if (c == ')' && !quoted && depth > 0) {
                depth--;
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean outsideQuotes(String value, char wanted) {
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == wanted && !quoted) {
                return true;
            }
        }
        return false;
    }
}
