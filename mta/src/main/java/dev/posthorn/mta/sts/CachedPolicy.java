package dev.posthorn.mta.sts;

import java.time.Instant;
import java.util.Objects;

/**
 * A policy as fetched, with what is needed to decide whether it still holds: the TXT record's id it was fetched
 * under and when. Its body is kept as received so that a policy read back from disk goes through the same parser.
 *
 * @param domain  the policy domain, ASCII lower case
 * @param id      the id of the TXT record when it was fetched
 * @param body    the policy as received
 * @param policy  {@code body} parsed
 * @param fetched when it was fetched
 */
public record CachedPolicy(String domain, String id, String body, StsPolicy policy, Instant fetched) {

    public CachedPolicy {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(fetched, "fetched");
    }

    /** When it may no longer be used: {@code max_age} after it was fetched (RFC 8461 3.2). */
    public Instant expires() {
        return fetched.plus(policy.maxAge());
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expires());
    }
}
