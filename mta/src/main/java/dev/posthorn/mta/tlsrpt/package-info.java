/**
 * SMTP TLS Reporting (RFC 8460): what a domain publishes at {@code _smtp._tls} ({@link
 * dev.posthorn.mta.tlsrpt.TlsRptRecord}), what one outbound session's TLS came to under the domain's policy
 * ({@link dev.posthorn.mta.tlsrpt.SessionResult}, with the result types of 4.3), and the JSON report of one interval
 * ({@link dev.posthorn.mta.tlsrpt.TlsReport}). Counting and sending are the daemon's ({@code dev.posthorn.mta.reports}).
 *
 * <p>Trust boundary: the record comes from the domain's DNS and names where its reports go; the session results are
 * this server's own observations, but the names and addresses in them (MX host names, TLSA and MTA-STS policy text)
 * come from DNS and the policy host, bounded by the parsers that produced them.
 */
package dev.posthorn.mta.tlsrpt;
