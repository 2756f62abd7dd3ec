package dev.posthorn.mta.dmarc;

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
 */
public record DmarcVerdict(DmarcResult result, String fromDomain, Optional<DmarcRecord.Policy> policy,
                           DmarcRecord.Policy disposition, String reason) {

    public DmarcVerdict {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(fromDomain, "fromDomain");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(reason, "reason");
    }
}
