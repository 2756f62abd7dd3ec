/**
 * Routing: which recipients are local, which are aliases, which belong to other domains, and where a local
 * recipient's mail is to be delivered. Decided at RCPT time (so unknown users get {@code 550 5.1.1} during the
 * session and no backscatter later) and again at delivery time from the same configuration. The model of what the
 * configuration file says about local domains and routes ({@code LocalDomain}, {@code Mailboxes},
 * {@code LocalDelivery}, {@code RouteTarget}, {@code LmtpTarget}, with the name grammars {@code Names},
 * {@code HostPort} and {@code IpLiteral}) lives here; the {@code config} package reads files into it.
 *
 * <p>Trust boundary: recipient addresses come from SMTP peers. Local parts are compared with ASCII letters folded to
 * lower case and every other character exactly as written (Unicode case mapping would route {@code \u212Aate}, with
 * a KELVIN SIGN, to {@code kate}; RFC 6531 3.3 leaves non-ASCII local parts to the domain), and a local part
 * becomes part of a file path only when it is a plain name ({@code [a-z0-9][a-z0-9._+-]*}); anything else
 * (slashes, quotes, percent or bang hacks, {@code @} inside quotes) is simply not a local mailbox.
 *
 * <p>An address of a local domain is never forwarded outward: an alias target there that reaches no mailbox (a
 * loop, for instance through plus addressing as in {@code pl: pl+x}, or a target the configuration lacks) makes the
 * whole recipient unknown ({@code 550 5.1.1} at RCPT, a failure at delivery) instead of mail to the domain's own
 * MX, which would be this server again or, behind a backup MX, a stranger. {@code config check} reports such
 * targets first.
 */
package dev.posthorn.mta.routing;
