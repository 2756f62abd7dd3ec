/**
 * Reports to other domains about their mail: DMARC aggregate reports (RFC 7489 7.2) counted in
 * {@link dev.posthorn.mta.reports.DmarcStore} as the inbound checks evaluate messages and sent once per interval by
 * {@link dev.posthorn.mta.reports.DmarcReporter} as gzipped XML in a mail, queued like any other.
 *
 * <p>Trust boundary: every value counted came from an untrusted message or from DNS, bounded and checked by the
 * checks before it arrives here; destinations come from the domain's own DNS record and are used only where
 * RFC 7489 7.1 allows (a domain cannot turn this server into a mailer of reports to third parties). A report is
 * sent only to a domain that asked ({@code rua=}); nothing is sent while {@code dmarc.reports} is off.
 */
package dev.posthorn.mta.reports;
