/**
 * Routing: which recipients are local, which are aliases, which belong to other domains, and where a local
 * recipient's mail is to be delivered. Decided at RCPT time (so unknown users get {@code 550 5.1.1} during the
 * session and no backscatter later) and again at delivery time from the same configuration.
 *
 * <p>Trust boundary: recipient addresses come from SMTP peers. Local parts are compared case-insensitively, and a
 * local part becomes part of a file path only when it is a plain name ({@code [a-z0-9][a-z0-9._+-]*}); anything
 * else (slashes, quotes, percent or bang hacks, {@code @} inside quotes) is simply not a local mailbox.
 */
package dev.posthorn.mta.routing;
