package dev.posthorn.mailauth;

import dev.posthorn.mailauth.arc.ArcResult;
import dev.posthorn.mailauth.dkim.DkimResult;
import dev.posthorn.mailauth.dmarc.DmarcResult;
import dev.posthorn.mailauth.dmarc.DmarcVerdict;
import dev.posthorn.mailauth.spf.SpfVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes the {@code Authentication-Results} header field (RFC 8601) for the checks that ran: one result per line,
 * folded with a tab, ending in CRLF. Everything that came from the peer or from DNS (addresses, domains, selectors,
 * reasons) goes in as a token, a quoted string or a comment with the quoting RFC 8601 2.2 asks for; control
 * characters (CR and LF among them) are replaced, so no value can end the field or start another, and long values are
 * cut, so no line passes RFC 5322's 998-octet limit.
 */
public final class AuthenticationResults {

    /** The field name. */
    public static final String NAME = "Authentication-Results";
    /** Longest value or reason written; an SMTP path is at most 256 octets (RFC 5321 4.5.3.1.3). */
    private static final int MAX_VALUE = 256;
    private static final Pattern DOT_ATOM = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?");

    private final String authservId;
    private final boolean utf8;
    private final List<String> results = new ArrayList<>();

    /**
     * @param authservId this server's name (RFC 8601 2.5), a valid host name from the configuration
     * @param utf8       whether the message may carry UTF-8 in header fields (SMTPUTF8, RFC 6532); otherwise
     *                   non-ASCII characters in values are replaced
     */
    public AuthenticationResults(String authservId, boolean utf8) {
        if (!DOMAIN.matcher(authservId).matches()) {
            throw new IllegalArgumentException("authserv-id must be a host name: " + authservId);
        }
        this.authservId = authservId;
        this.utf8 = utf8;
    }

    /** {@code spf=<result> [reason] smtp.mailfrom=<address>} or {@code smtp.helo=<name>} (RFC 8601 2.7.2). */
    public AuthenticationResults spf(SpfVerdict verdict) {
        String property = verdict.identity() == SpfVerdict.Identity.MAILFROM ? "smtp.mailfrom" : "smtp.helo";
        results.add("spf=" + verdict.result().keyword() + reason(verdict.reason()) + " " + property + "="
                + pvalue(verdict.checked()));
        return this;
    }

    /** One {@code dkim=} result per signature, or {@code dkim=none} for none (RFC 8601 2.7.1, RFC 6008). */
    public AuthenticationResults dkim(List<DkimResult> outcomes) {
        if (outcomes.isEmpty()) {
            results.add("dkim=none");
        }
        for (DkimResult outcome : outcomes) {
            StringBuilder text = new StringBuilder("dkim=").append(outcome.status().keyword());
            if (outcome.status() != DkimResult.Status.PASS) {
                text.append(reason(outcome.reason()));
            }
            property(text, "header.d", outcome.domain());
            property(text, "header.s", outcome.selector());
            property(text, "header.b", outcome.signatureB());
            results.add(text.toString());
        }
        return this;
    }

    /**
     * {@code arc=<result> (i=<instances> d=<domain>) header.oldest-pass=<n> smtp.remote-ip=<address>}: the
     * properties RFC 8617 10.1 registers for the {@code arc} method; a failure gives its reason, none just
     * {@code arc=none}.
     */
    public AuthenticationResults arc(ArcResult result, String remoteIp) {
        StringBuilder text = new StringBuilder("arc=").append(result.status().keyword());
        if (result.status() == ArcResult.Status.NONE) {
            results.add(text.toString());
            return this;
        }
        if (result.status() == ArcResult.Status.PASS) {
            text.append(" (i=").append(result.instances()).append(result.domain().isEmpty() ? "" : " d="
                    + pvalue(result.domain())).append(')');
            text.append(" header.oldest-pass=").append(result.oldestPass());
        } else {
            text.append(reason(result.reason()));
        }
        property(text, "smtp.remote-ip", remoteIp);
        results.add(text.toString());
        return this;
    }

    /** {@code dmarc=<result> (p=<policy> dis=<disposition>) header.from=<domain>} (RFC 7489 11.2). */
    public AuthenticationResults dmarc(DmarcVerdict verdict) {
        StringBuilder text = new StringBuilder("dmarc=").append(verdict.result().keyword());
        verdict.policy().ifPresent(policy -> text.append(" (p=").append(policy.keyword()).append(" dis=")
                .append(verdict.disposition().keyword()).append(')'));
        if (verdict.result() != DmarcResult.PASS) {
            text.append(reason(verdict.reason()));
        }
        property(text, "header.from", verdict.fromDomain());
        results.add(text.toString());
        return this;
    }

    /** The whole field, CRLF-terminated; {@code none} when no check ran (RFC 8601 2.2). */
    public String field() {
        StringBuilder out = new StringBuilder(NAME).append(": ").append(authservId).append(';');
        if (results.isEmpty()) {
            return out.append(" none\r\n").toString();
        }
        for (int i = 0; i < results.size(); i++) {
            out.append("\r\n\t").append(results.get(i)).append(i + 1 < results.size() ? ";" : "");
        }
        return out.append("\r\n").toString();
    }

    private void property(StringBuilder text, String name, String value) {
        if (!value.isEmpty()) {
            text.append(' ').append(name).append('=').append(pvalue(value));
        }
    }

    /** {@code reason="..."} (RFC 8601 2.2 reasonspec), or nothing for an empty reason. */
    private String reason(String reason) {
        return reason.isEmpty() ? "" : " reason=" + quoted(reason);
    }

    /**
     * A property value (RFC 8601 2.2 pvalue): a domain, or local-part@domain with a dot-atom local part, as written;
     * anything else as a quoted string.
     */
    String pvalue(String value) {
        String text = clean(value);
        int at = text.lastIndexOf('@');
        String domain = at < 0 ? text : text.substring(at + 1);
        boolean plain = DOMAIN.matcher(domain).matches()
                && (at < 0 || at > 0 && DOT_ATOM.matcher(text.substring(0, at)).matches());
        if (plain || !text.isEmpty() && text.chars().allMatch(c -> AuthservId.isTokenChar((char) c))) {
            return text;
        }
        return quoted(text);
    }

    /** A quoted string (RFC 5322 3.2.4): backslash before {@code "} and {@code \}. */
    String quoted(String value) {
        String text = clean(value);
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    /** Controls (CR, LF, tab among them) and, without UTF-8, non-ASCII replaced by '?'; at most 256 characters. */
    private String clean(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(MAX_VALUE).forEach(c -> {
            boolean control = c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == 0x2028 || c == 0x2029;
            out.appendCodePoint(control || !utf8 && c >= 0x80 ? '?' : c);
        });
        return out.toString();
    }
}
