package dev.posthorn.mailauth.dmarc;

import java.util.Objects;
import java.util.Optional;

/**
 * What DMARC says about one message.
 *
 * @param result      the result
 * @param fromDomain  the author domain; empty when there is none ({@link DmarcResult#PERMERROR})
 * @param policy      the published policy that applies to the author domain ({@code p}, or {@code sp} for a
 *                    subdomain whose record came from its organisational domain); empty without a record
 * @param disposition what the policy asks for this message: {@code policy} on fail (weakened outside {@code pct}),
 *                    {@link DmarcRecord.Policy#NONE} otherwise
 * @param reason      a short explanation for logs and the Authentication-Results comment
 * @param evaluated   how the message fared against a record that was found: what an aggregate report tells of it
 *                    (RFC 7489 7.2); empty without a usable record
 */
public record DmarcVerdict(DmarcResult result, String fromDomain, Optional<DmarcRecord.Policy> policy,
                           DmarcRecord.Policy disposition, String reason, Optional<Evaluated> evaluated) {

    public DmarcVerdict {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(fromDomain, "fromDomain");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(evaluated, "evaluated");
    }

    /** A verdict without a record to report to. */
    public DmarcVerdict(DmarcResult result, String fromDomain, Optional<DmarcRecord.Policy> policy,
                        DmarcRecord.Policy disposition, String reason) {
        this(result, fromDomain, policy, disposition, reason, Optional.empty());
    }

    /**
     * The evaluation against a found record.
     *
     * @param policyDomain where the record was found: the author domain or its organisational domain
     * @param record       the record
     * @param dkimAligned  an aligned DKIM signature passed
     * @param spfAligned   SPF passed for an aligned domain
     * @param sampledOut   the policy was weakened because {@code pct} left this message out (RFC 7489 6.6.4)
     */
    public record Evaluated(String policyDomain, DmarcRecord record, boolean dkimAligned, boolean spfAligned,
                            boolean sampledOut) {
        public Evaluated {
            Objects.requireNonNull(policyDomain, "policyDomain");
            Objects.requireNonNull(record, "record");
        }
    }
}
