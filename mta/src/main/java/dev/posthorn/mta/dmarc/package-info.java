/**
 * DMARC (RFC 7489): whether a message's author domain, the RFC 5322.From domain a reader sees, is backed by an SPF
 * or DKIM pass for an aligned identifier, and what the domain's policy asks for when it is not.
 * {@link dev.posthorn.mta.dmarc.DmarcVerifier} takes the results of the SPF and DKIM checks as plain domains, so it
 * depends on neither.
 *
 * <p>Organisational domains come from the Public Suffix List ({@link dev.posthorn.mta.dmarc.PublicSuffixList}):
 * by default Debian's {@code publicsuffix} package file ({@code /usr/share/publicsuffix/public_suffix_list.dat}),
 * which the distribution keeps current, read again when it changes; a copy bundled with Posthorn is used only on
 * systems without it (with a warning, since it ages with the release); {@code checks.public_suffix_list} names
 * another file.
 *
 * <p>Choices where RFC 7489 leaves room: a message without exactly one From field, or whose From addresses are in
 * several domains, is {@code permerror} ({@link dev.posthorn.mta.dmarc.Author}); {@code pct} is honoured by random
 * sampling, the next weaker policy applying to the rest (6.6.4); several policy records, or one without a usable
 * {@code p} (and no {@code rua}), mean no policy. Aggregate reports: {@link dev.posthorn.mta.dmarc.AggregateReport}
 * writes one (appendix C), {@link dev.posthorn.mta.dmarc.ReportUri} reads {@code rua}, and
 * {@link dev.posthorn.mta.dmarc.ExternalDestinations} says where one may go (7.1); counting and sending are the
 * daemon's ({@code dev.posthorn.mta.reports}). Failure reports ({@code ruf}) are not sent.
 *
 * <p>Trust boundary: the From field is attacker-controlled and bounded ({@value dev.posthorn.mta.dmarc.Author#MAX_FIELD}
 * characters); policy records come from DNS; a DNS failure is {@code temperror}, never a pass or a fail.
 */
package dev.posthorn.mta.dmarc;
