package dev.posthorn.mailauth.spf;

import java.util.Objects;

/**
 * The outcome of one SPF check of a message.
 *
 * @param result   the check_host() result
 * @param identity which identity was checked: the MAIL FROM address, or the HELO name when MAIL FROM was null
 *                 (RFC 7208 2.3, 2.4)
 * @param checked  the identity's value: {@code local@domain} for MAIL FROM, the name for HELO
 * @param domain   the domain whose policy was asked, lower case (the domain part of {@code checked})
 * @param reason   a short explanation for logs and the Authentication-Results comment (not from the domain owner)
 */
public record SpfVerdict(SpfResult result, Identity identity, String checked, String domain, String reason) {

    /** RFC 7208 2.3 (HELO) and 2.4 (MAIL FROM). */
    public enum Identity {
        MAILFROM, HELO
    }

    public SpfVerdict {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(checked, "checked");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(reason, "reason");
    }
}
