package dev.posthorn.mta.dns;

import dev.posthorn.smtp.EnhancedStatus;
import java.util.List;
import java.util.Objects;

/**
 * Where mail for a domain goes, as DNS says (RFC 5321 5.1, RFC 7505): a closed set, so that delivery handles every
 * case. The permanent cases carry the RFC 3463 status for the bounce, the temporary one the status for the deferral.
 */
public sealed interface MxAnswer {

    /** The exchangers to try, in order: MX preference ascending, equal preferences in random order (RFC 5321 5.1). */
    record Targets(List<Target> targets) implements MxAnswer {
        public Targets {
            targets = List.copyOf(targets);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("at least one target");
            }
        }
    }

    /** The domain publishes a null MX: it accepts no mail at all, and no delivery is attempted (RFC 7505 3). */
    record NullMx() implements MxAnswer {
        /** RFC 7505 3 with RFC 7504: reply 556, "5.1.10 Recipient address has null MX". */
        public EnhancedStatus status() {
            return new EnhancedStatus(5, 1, 10);
        }
    }

    /** The domain does not exist (NXDOMAIN, RFC 8020): a permanent failure. */
    record NoSuchDomain() implements MxAnswer {
        /** RFC 3463 3.2: "5.1.2 Bad destination system address". */
        public EnhancedStatus status() {
            return new EnhancedStatus(5, 1, 2);
        }
    }

    /**
     * The domain exists but names no host with an address: no MX and no A/AAAA (RFC 5321 5.1), or only MX targets
     * that do not resolve, or a name that is not a domain name at all. A permanent failure.
     */
    record Unroutable(String reason) implements MxAnswer {
        public Unroutable {
            Objects.requireNonNull(reason, "reason");
        }

        /** RFC 3463 3.5: "5.4.4 Unable to route". */
        public EnhancedStatus status() {
            return new EnhancedStatus(5, 4, 4);
        }
    }

    /** DNS did not answer usefully (SERVFAIL, timeout, network error): try again later. */
    record TemporaryFailure(String reason) implements MxAnswer {
        public TemporaryFailure {
            Objects.requireNonNull(reason, "reason");
        }

        /** RFC 3463 3.5: "4.4.3 Directory server failure". */
        public EnhancedStatus status() {
            return new EnhancedStatus(4, 4, 3);
        }
    }
}
