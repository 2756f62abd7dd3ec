/**
 * DMARC (RFC 7489): whether a message's author domain, the RFC 5322.From domain a reader sees, is backed by an SPF
 * or DKIM pass for an aligned identifier, and what the domain's policy asks for when it is not.
 * {@link dev.posthorn.mailauth.dmarc.DmarcVerifier} takes the results of the SPF and DKIM checks as plain domains, so it
 * depends on neither.
 *
 * <p>Organisational domains come from the Public Suffix List ({@link dev.posthorn.mailauth.dmarc.PublicSuffixList}),
 * handed to the verifier as a supplier so that a server can read a fresher list while it runs: the daemon reads
 * Debian's {@code publicsuffix} package file and reads it again when it changes ({@code checks.public_suffix_list}
 * names another); the library's {@link dev.posthorn.mailauth.dmarc.PublicSuffixList#bundled() bundled} copy ages
 * with the release and serves where there is none.
 *
 * <p>Choices where RFC 7489 leaves room: a message without exactly one From field, or whose From addresses are in
 * several domains, is {@code permerror} ({@link dev.posthorn.mailauth.dmarc.Author}); {@code pct} is honoured by random
 * sampling, the next weaker policy applying to the rest (6.6.4); several policy records, or one without a usable
 * {@code p} (and no {@code rua}), mean no policy. Aggregate reports: {@link dev.posthorn.mailauth.dmarc.AggregateReport}
 * writes one (appendix C), {@link dev.posthorn.mailauth.dmarc.ReportUri} reads {@code rua}, and
 * {@link dev.posthorn.mailauth.dmarc.ExternalDestinations} says where one may go (7.1); counting and sending are the
 * daemon's ({@code dev.posthorn.mta.reports}). Failure reports ({@code ruf}) are not sent.
 *
 * <p>Trust boundary: the From field is attacker-controlled and bounded ({@value dev.posthorn.mailauth.dmarc.Author#MAX_FIELD}
 * characters); policy records come from DNS; a DNS failure is {@code temperror}, never a pass or a fail.
 */
package dev.posthorn.mailauth.dmarc;
