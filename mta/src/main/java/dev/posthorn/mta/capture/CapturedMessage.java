package dev.posthorn.mta.capture;

import java.time.Instant;
import java.util.List;

/**
 * One captured message as the list, the API and POP3 see it: what the index in the database holds.
 *
 * @param id             the server's transaction id (also the file name of the bytes)
 * @param receivedAt     when the data started
 * @param envelopeFrom   the MAIL FROM address, {@code ""} for the null reverse path
 * @param recipients     the RCPT TO addresses in order: each is a mailbox
 * @param from           the From header field, decoded (RFC 2047), or {@code ""}
 * @param to             the addresses of the To and Cc header fields, decoded
 * @param subject        the Subject header field, decoded, or {@code ""}
 * @param date           the Date header field, or {@code null} when missing or unreadable
 * @param size           octets of the stored message (with the Received field the server added)
 * @param hasAttachments whether a part is an attachment (a file name or {@code Content-Disposition: attachment})
 * @param client         the client's IP address
 * @param helo           the name the client gave in HELO/EHLO
 * @param tls            the TLS protocol, or {@code null} for plaintext
 * @param user           the AUTH identity, or {@code null}
 */
public record CapturedMessage(String id, Instant receivedAt, String envelopeFrom, List<String> recipients, String from,
                              List<String> to, String subject, Instant date, long size, boolean hasAttachments,
                              String client, String helo, String tls, String user) {

    public CapturedMessage {
        recipients = List.copyOf(recipients);
        to = List.copyOf(to);
    }
}
