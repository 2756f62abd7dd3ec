/**
 * SPF (RFC 7208): whether the SMTP client may send mail for the MAIL FROM domain, or for the HELO name when MAIL FROM
 * is null. {@link dev.posthorn.mailauth.spf.SpfVerifier} runs check_host() over DNS and returns a
 * {@link dev.posthorn.mailauth.spf.SpfVerdict}; what to do with it (a header, a rejection) is decided elsewhere.
 *
 * <p>Written here rather than taken from a library: no maintained Java SPF library exists. Every mechanism and
 * modifier of RFC 7208 is implemented, {@code ptr} (and the {@code p} macro) included, although RFC 7208 5.5 asks
 * publishers not to use it. The {@code exp} modifier is checked for syntax (a broken one is a permerror, as the
 * grammar requires) but its explanation is never fetched: it would cost a lookup for text written by the domain
 * owner, and Posthorn's replies carry only its own text.
 *
 * <p>Trust boundary: records, names and addresses all come from DNS and from the client, so the work one message
 * can cause is bounded as RFC 7208 4.6.4 asks: ten DNS-querying terms in all (includes and redirects share the count,
 * so loops end there), two void lookups, ten MX names per {@code mx}, the first ten PTR names, and an overall time
 * limit after which the result is temperror. Macro expansion escapes nothing into zone-file syntax: names are handed
 * to DNS label by label ({@link dev.posthorn.mailauth.dns.DnsLookup}), and reasons are plain text for logs and comments.
 * A DNS failure is temperror, never a pass or a fail.
 */
package dev.posthorn.mailauth.spf;
