package dev.posthorn.mailauth.dmarc;

import dev.posthorn.mailauth.dns.Answer;
import dev.posthorn.mailauth.dns.DnsLookup;
import dev.posthorn.smtp.Domain;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whether a report destination may receive a domain's reports (RFC 7489 7.1): a destination in the policy domain's
 * own organisational domain may; one outside it only when its owner published
 * {@code <policy-domain>._report._dmarc.<destination-host>} with a DMARC record, so that no domain can have reports
 * (mail of a stranger's making) sent to a third party. A lookup that fails means no, for this report: the data is
 * not sent where its consent is unknown. Address-literal destinations cannot be verified and are refused.
 *
 * <p>The record found at the verification name may carry its own {@code rua} to replace the destination (7.1); that
 * option is not taken: the destination the policy named is the one used.
 */
public final class ExternalDestinations {

    private final DnsLookup dns;
    private final Supplier<PublicSuffixList> suffixes;

    public ExternalDestinations(DnsLookup dns, Supplier<PublicSuffixList> suffixes) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.suffixes = Objects.requireNonNull(suffixes, "suffixes");
    }

    /** Whether reports about {@code policyDomain} may go to {@code destination}. */
    public boolean permits(String policyDomain, ReportUri destination) {
        if (!(destination.mailbox().host() instanceof Domain domain)) {
            return false;
        }
        String host = domain.text().toLowerCase(Locale.ROOT);
        String policy = policyDomain.toLowerCase(Locale.ROOT);
        PublicSuffixList list = suffixes.get();
        if (list.organizationalDomain(host).equals(list.organizationalDomain(policy))) {
            return true;
        }
        String name = policy + "._report._dmarc." + host;
        if (name.length() > Domain.MAX_LENGTH - 2) {
            return false;   // no such name can exist in DNS (RFC 1035 2.3.4)
        }
        Answer<String> answer = dns.txt(name);
        return !(answer instanceof Answer.Failed<String>)
                && answer.recordsOrEmpty().stream().anyMatch(DmarcRecord::isDmarc);
    }
}
