package dev.posthorn.mta.tlsrpt;

import java.util.Objects;
import java.util.Optional;

/**
 * What one outbound session's TLS came to (RFC 8460 4.1: each attempt to an MX host counts once).
 *
 * @param policyDomain the recipient domain whose policy applied
 * @param policy       that policy
 * @param failure      why TLS failed; empty for a successful session
 */
public record SessionResult(String policyDomain, PolicyRef policy, Optional<Failure> failure) {

    public SessionResult {
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(failure, "failure");
    }

    /**
     * A failed session (RFC 8460 4.4 {@code failure-details}).
     *
     * @param type          the result type
     * @param receivingMx   the MX host's name
     * @param receivingIp   the address connected to; empty when the session was refused before a connection
     * @param information   a short, printable explanation ({@code additional-information})
     */
    public record Failure(ResultType type, String receivingMx, String receivingIp, String information) {
        public Failure {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(receivingMx, "receivingMx");
            Objects.requireNonNull(receivingIp, "receivingIp");
            Objects.requireNonNull(information, "information");
        }
    }

    public boolean successful() {
        return failure.isEmpty();
    }
}
