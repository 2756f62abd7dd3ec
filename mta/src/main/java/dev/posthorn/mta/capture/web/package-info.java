/**
 * The web view and REST API of {@code posthorn dev} ({@link dev.posthorn.mta.capture.web.CaptureWeb}, Jetty 12): the
 * captured messages listed, searched, shown, deleted and released, live updates by Server-Sent Events, the SMTP
 * listener's chaos rules, and an OpenAPI document; the page's files ship in the jar.
 *
 * <p>Trust boundary: every HTTP request is untrusted, and so is every captured message (a peer wrote it). Requests:
 * the Host header must name this listener or a name the operator added (DNS rebinding); a foreign Origin, or
 * {@code Sec-Fetch-Site: cross-site}, gets 403 on any request, and state-changing requests and the event stream
 * must come from the page's own origin or from no browser at all (cross-site requests): otherwise 403 and nothing
 * changes. Bodies must be declared JSON (415), so no form can post one. Request line and headers 8 KiB, JSON bodies
 * 64 KiB, query parameters only those a route takes and each with a value (so a misspelt filter never widens a
 * delete), ids not of the server's form never reach the store. Messages: the HTML body is served with a CSP that
 * sandboxes it, runs no script and loads nothing remote unless the user asks, with its {@code <meta>} and
 * {@code <base>} elements made inert (no refresh) and DNS prefetch off; the page shows at most 1 MiB of a message's
 * source; attachments are downloads whose type cannot render as a page
 * and whose file names are made safe; the page sets message text with {@code textContent} only. The server fetches
 * no URL; the only connection it makes is a release over SMTP to the host the user names or the recipients' MX.
 * Loopback by default; another address is logged as a warning.
 */
package dev.posthorn.mta.capture.web;
