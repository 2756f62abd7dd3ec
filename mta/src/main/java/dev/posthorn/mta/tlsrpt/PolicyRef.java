package dev.posthorn.mta.tlsrpt;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The policy a session was held to, as a report names it (RFC 8460 4.4 {@code policy}).
 *
 * @param type    which kind
 * @param strings the policy's text: the MTA-STS policy's lines, or the TLSA records in presentation format; empty
 *                for {@link Type#NO_POLICY_FOUND}
 * @param mxHosts the MX host patterns an MTA-STS policy lists; empty otherwise
 */
public record PolicyRef(Type type, List<String> strings, List<String> mxHosts) {

    /** Longest policy text kept (an MTA-STS policy is at most 64 KiB, RFC 8461 3.3; TLSA records are short). */
    public static final int MAX_STRINGS = 100;

    /** RFC 8460 4.4 {@code policy-type}. */
    public enum Type {
        TLSA, STS, NO_POLICY_FOUND;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Sessions under no policy (opportunistic TLS). */
    public static final PolicyRef NONE = new PolicyRef(Type.NO_POLICY_FOUND, List.of(), List.of());

    public PolicyRef {
        Objects.requireNonNull(type, "type");
        strings = List.copyOf(strings.subList(0, Math.min(strings.size(), MAX_STRINGS)));
        mxHosts = List.copyOf(mxHosts.subList(0, Math.min(mxHosts.size(), MAX_STRINGS)));
    }
}
