/**
 * Delivery status notifications (RFC 3464, with the DSN extension's ENVID, ORCPT, RET and NOTIFY of RFC 3461): the
 * report Posthorn sends to a message's sender when delivery failed for good, is delayed, or succeeded and the sender
 * asked to hear it.
 *
 * <p>Trust boundary: a report quotes text from elsewhere (remote replies, the original envelope and message). Every
 * quoted field is reduced to printable characters on one line, so nothing quoted can add a header or a MIME part;
 * the original message is attached as an opaque part, never parsed, inside a random MIME boundary that it does not
 * contain. The reverse path itself is only a claim when the client was neither trusted nor authenticated (the
 * envelope records which, {@link dev.posthorn.mta.spool.Origin}): such a sender gets no success or delay reports and
 * no message body by default ({@link dev.posthorn.mta.bounce.UntrustedReports}), so no client can have this MTA mail
 * a text of its choosing to an address of its choosing.
 */
package dev.posthorn.mta.bounce;
