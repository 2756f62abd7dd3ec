package dev.posthorn.mailauth.dmarc;

import dev.posthorn.mailauth.dns.Answer;
import dev.posthorn.mailauth.dns.DnsLookup;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Evaluates DMARC (RFC 7489) for one message: finds the policy of the author domain (at {@code _dmarc.<domain>},
 * else at {@code _dmarc.<organisational domain>}, 6.6.3), checks whether SPF or DKIM passed for an identifier aligned
 * with it (3.1, relaxed or strict as the record asks) and says what the policy asks for (6.6.4, 6.7).
 *
 * <p>Safe for concurrent use. The verdict carries what an aggregate report needs ({@link DmarcVerdict.Evaluated});
 * failure reports ({@code ruf}) are not sent.
 */
public final class DmarcVerifier {

    private final DnsLookup dns;
    private final Supplier<PublicSuffixList> suffixes;
    private final RandomGenerator random;

    /**
     * @param dns      where the policy records come from
     * @param suffixes the public suffix list, for organisational domains
     * @param random   samples {@code pct} (RFC 7489 6.6.4); used under a lock, so it need not be thread-safe
     */
    public DmarcVerifier(DnsLookup dns, Supplier<PublicSuffixList> suffixes, RandomGenerator random) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.suffixes = Objects.requireNonNull(suffixes, "suffixes");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * @param author      the message's author domain
     * @param spfPass     the domain SPF passed for (MAIL FROM domain, or HELO name for a null MAIL FROM), if it
     *                    passed
     * @param dkimPasses  the {@code d=} domains of the DKIM signatures that passed
     */
    public DmarcVerdict evaluate(Author author, Optional<String> spfPass, List<String> dkimPasses) {
        if (author instanceof Author.Ambiguous ambiguous) {
            return verdict(DmarcResult.PERMERROR, "", Optional.empty(), ambiguous.reason());
        }
        String from = ((Author.Domain) author).name();
        PublicSuffixList list = suffixes.get();
        String organizational = list.organizationalDomain(from);
        Discovery found = discover(from);
        boolean atOrganization = false;
        if (found instanceof Discovery.Absent && !organizational.equals(from)) {
            found = discover(organizational);
            atOrganization = true;
        }
        return switch (found) {
            case Discovery.Failed failed -> verdict(DmarcResult.TEMPERROR, from, Optional.empty(),
                    "policy lookup failed: " + failed.reason());
            case Discovery.Absent absent -> verdict(DmarcResult.NONE, from, Optional.empty(), "no policy");
            case Discovery.Ignored ignored -> verdict(DmarcResult.NONE, from, Optional.empty(), ignored.reason());
            case Discovery.Found record -> judge(record.record(), from, atOrganization ? organizational : from,
                    list, spfPass, dkimPasses);
        };
    }

    private DmarcVerdict judge(DmarcRecord record, String from, String policyDomain, PublicSuffixList list,
                               Optional<String> spfPass, List<String> dkimPasses) {
        DmarcRecord.Policy policy = !policyDomain.equals(from) ? record.subdomainPolicy().orElse(record.policy())
                : record.policy();
        boolean spfAligned = spfPass.filter(d -> aligned(d, from, record.strictSpf(), list)).isPresent();
        boolean dkimAligned = dkimPasses.stream().anyMatch(d -> aligned(d, from, record.strictDkim(), list));
        if (spfAligned || dkimAligned) {
            return new DmarcVerdict(DmarcResult.PASS, from, Optional.of(policy), DmarcRecord.Policy.NONE,
                    spfAligned ? "aligned SPF pass" : "aligned DKIM pass",
                    Optional.of(new DmarcVerdict.Evaluated(policyDomain, record, dkimAligned, spfAligned, false)));
        }
        DmarcRecord.Policy disposition = policy;
        if (record.percent() < 100 && policy != DmarcRecord.Policy.NONE && !sampled(record.percent())) {
            disposition = policy.weaker();   // RFC 7489 6.6.4: outside pct, the next weaker policy applies
        }
        return new DmarcVerdict(DmarcResult.FAIL, from, Optional.of(policy), disposition,
                "no aligned SPF or DKIM pass", Optional.of(new DmarcVerdict.Evaluated(policyDomain, record, false,
                        false, disposition != policy)));
    }

    private boolean sampled(int percent) {
        synchronized (random) {
            return random.nextInt(100) < percent;
        }
    }

    /** Identifier alignment (RFC 7489 3.1.1, 3.1.2): equal names, or in relaxed mode equal organisational domains. */
    private static boolean aligned(String identifier, String from, boolean strict, PublicSuffixList list) {
        String id = identifier.toLowerCase(java.util.Locale.ROOT);
        if (id.endsWith(".")) {
            id = id.substring(0, id.length() - 1);
        }
        return strict ? id.equals(from) : list.organizationalDomain(id).equals(list.organizationalDomain(from));
    }

    private static DmarcVerdict verdict(DmarcResult result, String from, Optional<DmarcRecord.Policy> policy,
                                        String reason) {
        return new DmarcVerdict(result, from, policy, DmarcRecord.Policy.NONE, reason);
    }

    /** The policy lookup at one name (RFC 7489 6.6.3). */
    private sealed interface Discovery {
        record Found(DmarcRecord record) implements Discovery {
        }

        /** No record: look further up, or there is no policy. */
        record Absent() implements Discovery {
        }

        /** Records that end the search without a policy (several, or one that is not usable). */
        record Ignored(String reason) implements Discovery {
        }

        record Failed(String reason) implements Discovery {
        }
    }

    private Discovery discover(String domain) {
        Answer<String> answer = dns.txt("_dmarc." + domain);
        if (answer instanceof Answer.Failed<String> failed) {
            return new Discovery.Failed(failed.reason());
        }
        List<String> records = answer.recordsOrEmpty().stream().filter(DmarcRecord::isDmarc).toList();
        if (records.isEmpty()) {
            return new Discovery.Absent();
        }
        if (records.size() > 1) {
            return new Discovery.Ignored("more than one policy record at _dmarc." + domain);
        }
        return DmarcRecord.parse(records.getFirst()).<Discovery>map(Discovery.Found::new)
                .orElseGet(() -> new Discovery.Ignored("unusable policy record at _dmarc." + domain));
    }
}
