package dev.posthorn.mta.inbound;

import dev.posthorn.mailauth.AuthenticationResults;
import dev.posthorn.mailauth.arc.ArcResult;
import dev.posthorn.mailauth.dkim.DkimResult;
import dev.posthorn.mailauth.dmarc.Author;
import dev.posthorn.mailauth.dmarc.DmarcRecord;
import dev.posthorn.mailauth.dmarc.DmarcResult;
import dev.posthorn.mailauth.dmarc.DmarcVerdict;
import dev.posthorn.mailauth.dmarc.DmarcVerifier;
import dev.posthorn.mailauth.spf.SpfResult;
import dev.posthorn.mailauth.spf.SpfVerdict;
import dev.posthorn.mailauth.spf.SpfVerifier;
import dev.posthorn.mta.config.Checks;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.SessionInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The inbound authentication of one MX listener: which sessions are checked, the streaming removal of forged
 * Authentication-Results ({@link HeaderFilter}), and at the end of DATA the SPF, DKIM and DMARC checks, the
 * Authentication-Results field and the decision to take or refuse the message ({@link InboundVerdict}). The ARC
 * chain (RFC 8617) is validated along with DKIM and recorded as {@code arc=} when the message has ARC fields
 * (pass or fail); it refuses nothing (a receiver's use
 * of ARC is local policy, RFC 8617 7.2).
 *
 * <p>Only clients that are neither in a trusted network nor authenticated are checked: mail from one's own users and
 * relays is not the Internet's, and their Authentication-Results fields (a content filter re-injecting mail, say)
 * are left alone.
 */
public final class InboundChecks {

    /** RFC 7372 3.2: the SPF result was fail. */
    static final Reply SPF_FAILED =
            Reply.of(550, "5.7.23", "SPF validation failed: this client may not send for the sender's domain");
    /** A check that could refuse the message met a DNS failure, and the operator asked to defer then. */
    static final Reply SPF_TEMPERROR = Reply.of(451, "4.7.24", "SPF check failed temporarily, try again later");
    static final Reply DMARC_TEMPERROR = Reply.of(451, "4.4.3", "DMARC check failed temporarily, try again later");
    /** RFC 7489 6.7 and 10.3: the author domain's policy is reject, and the message did not pass DMARC. */
    static final Reply DMARC_REJECTED = Reply.of(550, "5.7.1", "Rejected by the DMARC policy of the From domain");
    /** RFC 7489 6.6.1: DMARC needs one author domain; the message has no From field, several, or several domains. */
    static final Reply AUTHOR_UNCLEAR =
            Reply.of(550, "5.7.1", "A message needs exactly one From field naming one domain (RFC 5322 3.6.2)");

    private final Checks settings;
    private final String authservId;
    private final SpfVerifier spf;
    private final DmarcVerifier dmarc;
    private final DkimVerification dkim;
    private final Optional<ArcVerification> arc;
    private final DmarcObserver observer;

    /**
     * @param settings   which checks run and which results refuse mail
     * @param authservId this server's host name, the authserv-id of the fields it writes and removes
     * @param spf        the SPF verifier (used when {@code settings.spf()})
     * @param dmarc      the DMARC evaluator (used when {@code settings.dmarc()})
     * @param dkim       the DKIM verifier (used when {@code settings.dkim()}); {@link DkimVerification#NONE} for none
     */
    public InboundChecks(Checks settings, String authservId, SpfVerifier spf, DmarcVerifier dmarc,
                         DkimVerification dkim) {
        this(settings, authservId, spf, dmarc, dkim, Optional.empty(), DmarcObserver.NONE);
    }

    /**
     * As above, with ARC and the DMARC report counter: the chain is validated when DKIM is ({@code settings.dkim()}),
     * its result written as {@code arc=} after the DKIM results.
     *
     * @param arc      the ARC verifier; empty for none (no {@code arc=} result then)
     * @param observer told of each DMARC evaluation against a record that asks for aggregate reports
     */
    public InboundChecks(Checks settings, String authservId, SpfVerifier spf, DmarcVerifier dmarc,
                         DkimVerification dkim, Optional<ArcVerification> arc, DmarcObserver observer) {
        this.arc = Objects.requireNonNull(arc, "arc");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.authservId = Objects.requireNonNull(authservId, "authservId");
        this.spf = Objects.requireNonNull(spf, "spf");
        this.dmarc = Objects.requireNonNull(dmarc, "dmarc");
        this.dkim = Objects.requireNonNull(dkim, "dkim");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** Whether messages of this session are checked: the client is neither trusted nor authenticated. */
    public boolean appliesTo(SessionInfo session) {
        return !session.trustedOrAuthenticated();
    }

    /** The message as it is to be spooled: forged Authentication-Results removed, From fields noted. */
    public HeaderFilter filter(InputStream message) {
        return new HeaderFilter(message, authservId);
    }

    /**
     * Runs the checks once the whole message has been read through {@code filtered}.
     *
     * @param message the message as spooled so far, to be read back for DKIM
     */
    public InboundVerdict check(Envelope envelope, HeaderFilter filtered, DkimVerification.MessageSource message)
            throws IOException {
        SessionInfo session = envelope.session();
        AuthenticationResults results = new AuthenticationResults(authservId, envelope.parameters().smtpUtf8());
        Optional<SpfVerdict> spfVerdict = Optional.empty();
        if (settings.spf()) {
            String mailFrom = envelope.sender().isNull() ? null : envelope.sender().mailbox().toString();
            spfVerdict = Optional.of(spf.check(session.remote().getAddress(), mailFrom, session.heloName()));
            results.spf(spfVerdict.get());
        }
        List<DkimResult> signatures = settings.dkim() ? dkim.verify(message) : List.of();
        if (settings.dkim()) {
            results.dkim(signatures);
        }
        Optional<ArcResult> chain = Optional.empty();
        if (settings.dkim() && arc.isPresent()) {
            chain = Optional.of(arc.get().verify(message)).filter(c -> c.status() != ArcResult.Status.NONE);
            // arc=none is left out: most mail has no ARC sets, and a sealer reads a missing arc= as none.
            chain.ifPresent(c -> results.arc(c, AddressLiteral.format(session.remote().getAddress())));
        }
        Optional<DmarcVerdict> dmarcVerdict = Optional.empty();
        if (settings.dmarc()) {
            Optional<String> spfPass = spfVerdict.filter(v -> v.result() == SpfResult.PASS).map(SpfVerdict::domain);
            List<String> dkimPasses = signatures.stream().filter(s -> s.status() == DkimResult.Status.PASS)
                    .map(DkimResult::domain).toList();
            dmarcVerdict = Optional.of(dmarc.evaluate(Author.of(filtered.fromFields()), spfPass, dkimPasses));
            results.dmarc(dmarcVerdict.get());
        }
        InboundVerdict verdict = decide(results, spfVerdict, signatures, chain, dmarcVerdict, filtered.removed());
        if (observer != DmarcObserver.NONE && dmarcVerdict.isPresent() && spfVerdict.isPresent()) {
            ReportRows.of(envelope, spfVerdict.get(), signatures, dmarcVerdict.get(), verdict)
                    .ifPresent(row -> observer.observed(row.policyDomain(), row.published(), row.row()));
        }
        return verdict;
    }

    private InboundVerdict decide(AuthenticationResults results, Optional<SpfVerdict> spfVerdict,
                                  List<DkimResult> signatures, Optional<ArcResult> chain,
                                  Optional<DmarcVerdict> dmarcVerdict, int removed) {
        String checked = summary(spfVerdict, settings.dkim() ? Optional.of(signatures) : Optional.empty(),
                dmarcVerdict, removed);
        String summary = chain.map(c -> (checked + " arc=" + c.status().keyword()).strip()).orElse(checked);
        boolean transientTrouble = spfVerdict.filter(v -> v.result() == SpfResult.TEMPERROR).isPresent()
                || signatures.stream().anyMatch(s -> s.status() == DkimResult.Status.TEMPERROR);
        Optional<Reply> refusal = dmarcRefusal(dmarcVerdict, transientTrouble)
                .or(() -> spfRefusal(spfVerdict, dmarcVerdict));
        return refusal.<InboundVerdict>map(reply -> new InboundVerdict.Refuse(reply, summary))
                .orElseGet(() -> new InboundVerdict.Accept(results.field(), summary,
                        chain.map(ArcResult::status).orElse(ArcResult.Status.NONE)));
    }

    /**
     * {@code dmarc_reject}: fail under a reject disposition, or no single author. A failure that may stem from a
     * temporary error (SPF or a DKIM key lookup) is never a rejection; it and a DMARC temperror defer only when
     * asked to.
     */
    private Optional<Reply> dmarcRefusal(Optional<DmarcVerdict> verdict, boolean transientTrouble) {
        if (!settings.dmarcReject() || verdict.isEmpty()) {
            return Optional.empty();
        }
        DmarcVerdict v = verdict.get();
        boolean wouldReject = v.result() == DmarcResult.FAIL && v.disposition() == DmarcRecord.Policy.REJECT;
        if (v.result() == DmarcResult.TEMPERROR || wouldReject && transientTrouble) {
            return settings.deferOnTemperror() ? Optional.of(DMARC_TEMPERROR) : Optional.empty();
        }
        if (wouldReject) {
            return Optional.of(DMARC_REJECTED);
        }
        return v.result() == DmarcResult.PERMERROR ? Optional.of(AUTHOR_UNCLEAR) : Optional.empty();
    }

    /** {@code reject_spf_fail}: SPF fail, unless DMARC passed (RFC 7489 10.1). */
    private Optional<Reply> spfRefusal(Optional<SpfVerdict> verdict, Optional<DmarcVerdict> dmarcVerdict) {
        if (!settings.rejectSpfFail() || verdict.isEmpty()
                || dmarcVerdict.filter(v -> v.result() == DmarcResult.PASS).isPresent()) {
            return Optional.empty();
        }
        return switch (verdict.get().result()) {
            case FAIL -> Optional.of(SPF_FAILED);
            case TEMPERROR -> settings.deferOnTemperror() ? Optional.of(SPF_TEMPERROR) : Optional.empty();
            default -> Optional.empty();
        };
    }

    private static String summary(Optional<SpfVerdict> spf, Optional<List<DkimResult>> dkim,
                                  Optional<DmarcVerdict> dmarc, int removed) {
        StringBuilder out = new StringBuilder();
        spf.ifPresent(v -> out.append("spf=").append(v.result().keyword()).append(' '));
        dkim.ifPresent(list -> out.append("dkim=").append(list.isEmpty() ? "none"
                : list.stream().map(s -> s.status().keyword()).collect(Collectors.joining(","))).append(' '));
        dmarc.ifPresent(v -> out.append("dmarc=").append(v.result().keyword()).append(' '));
        if (removed > 0) {
            out.append("removed_forged_results=").append(removed);
        }
        return out.toString().strip();
    }
}
