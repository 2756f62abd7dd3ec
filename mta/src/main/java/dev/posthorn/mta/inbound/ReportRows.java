package dev.posthorn.mta.inbound;

import dev.posthorn.mailauth.dkim.DkimResult;
import dev.posthorn.mailauth.dmarc.AggregateReport;
import dev.posthorn.mailauth.dmarc.DmarcRecord;
import dev.posthorn.mailauth.dmarc.DmarcVerdict;
import dev.posthorn.mailauth.spf.SpfVerdict;
import dev.posthorn.smtp.Domain;
import dev.posthorn.smtp.server.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What an aggregate report tells of one message (RFC 7489 7.2, appendix C {@code record}): made only for a record
 * that asks for reports, and only once the message's fate is final (a deferral is counted when the client comes
 * back). The applied disposition is what this receiver did: {@code reject} for a refusal, else {@code none}
 * (Posthorn has no quarantine of its own); where that differs from what the policy asked, the override says why.
 */
final class ReportRows {

    /** Signatures per message a report lists; more are rare and add nothing to a domain owner's picture. */
    static final int MAX_SIGNATURES = 10;
    /** The longest domain or selector kept: a DNS name's limit. */
    private static final int MAX_NAME = Domain.MAX_LENGTH;

    private ReportRows() {
    }

    /** One message for the report of {@code policyDomain}. */
    record Observed(String policyDomain, DmarcRecord published, AggregateReport.Row row) {
    }

    static Optional<Observed> of(Envelope envelope, SpfVerdict spf, List<DkimResult> signatures, DmarcVerdict dmarc,
                                 InboundVerdict verdict) {
        if (dmarc.evaluated().isEmpty() || dmarc.evaluated().get().record().aggregate().isEmpty()
                || verdict instanceof InboundVerdict.Refuse refuse && refuse.reply().isTransientFailure()) {
            return Optional.empty();
        }
        DmarcVerdict.Evaluated evaluated = dmarc.evaluated().get();
        boolean refused = verdict instanceof InboundVerdict.Refuse;
        DmarcRecord.Policy applied = refused ? DmarcRecord.Policy.REJECT : DmarcRecord.Policy.NONE;
        List<AggregateReport.Override> overrides = new ArrayList<>();
        if (applied != dmarc.disposition()) {
            overrides.add(AggregateReport.Override.LOCAL_POLICY);
        }
        if (evaluated.sampledOut()) {
            overrides.add(AggregateReport.Override.SAMPLED_OUT);
        }
        String envelopeFrom = envelope.sender().isNull() ? ""
                : envelope.sender().mailbox().host().toString().toLowerCase(Locale.ROOT);
        List<AggregateReport.DkimAuth> dkim = signatures.stream().limit(MAX_SIGNATURES)
                .map(s -> new AggregateReport.DkimAuth(name(s.domain()), name(s.selector()), s.status().keyword()))
                .toList();
        AggregateReport.SpfAuth spfAuth = new AggregateReport.SpfAuth(spf.domain(),
                spf.identity() == SpfVerdict.Identity.HELO, spf.result().keyword());
        return Optional.of(new Observed(evaluated.policyDomain(), evaluated.record(), new AggregateReport.Row(
                envelope.session().remote().getAddress(), 1, applied, evaluated.dkimAligned(), evaluated.spfAligned(),
                overrides, envelopeFrom, dmarc.fromDomain(), dkim, spfAuth)));
    }

    /** A signature's {@code d=} or {@code s=} as the report keeps it: visible characters only, bounded. */
    private static String name(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().filter(c -> c > 0x20 && c != 0x7f && !Character.isISOControl(c))
                .limit(MAX_NAME).forEach(out::appendCodePoint);
        return out.toString();
    }
}
