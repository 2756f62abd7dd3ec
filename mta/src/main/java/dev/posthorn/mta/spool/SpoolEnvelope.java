package dev.posthorn.mta.spool;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the spool keeps about a message besides its body: plain text, no protocol types.
 *
 * @param id         the queue id: letters and digits, time-sortable
 * @param receivedAt when the message was accepted
 * @param sender     the reverse path without brackets; empty for the null reverse path
 * @param parameters transaction facts as key/value text (e.g. {@code body=8BITMIME}, {@code ret=HDRS},
 *                   {@code envid=...}, {@code client=192.0.2.1}, {@code helo=...}, {@code user=...})
 * @param recipients the recipients to deliver to, in order
 */
public record SpoolEnvelope(String id, Instant receivedAt, String sender, Map<String, String> parameters,
                            List<Recipient> recipients) {

    private static final Pattern ID = Pattern.compile("[0-9A-Za-z]{1,64}");

    public SpoolEnvelope {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("queue id must be 1..64 letters and digits");
        }
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(sender, "sender");
        parameters = Map.copyOf(parameters);
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a queued message has at least one recipient");
        }
    }

    /**
     * The parameter holding header fields to put on top of the body at delivery (CRLF-terminated lines, e.g.
     * {@code Authentication-Results} or {@code DKIM-Signature}). They live in the envelope because they are known only
     * after the whole body has been read, and the body is written to disk as it arrives, never held in memory.
     */
    public static final String HEADERS = "headers";

    /** The header fields to put on top of the body, as octets (empty when there are none). */
    public byte[] prependedHeaders() {
        String headers = parameters.get(HEADERS);
        return headers == null ? new byte[0] : headers.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Whether {@code id} is a well-formed queue id. */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * One recipient.
     *
     * @param address  where to deliver (after alias expansion)
     * @param original the recipient as the client gave it (for DSNs, RFC 3461 ORCPT), or the ORCPT value itself
     * @param notifications the DSN NOTIFY values, comma-separated, empty when not given
     */
    public record Recipient(String address, String original, String notifications) {
        public Recipient {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(original, "original");
            Objects.requireNonNull(notifications, "notifications");
            if (address.isEmpty()) {
                throw new IllegalArgumentException("empty recipient address");
            }
        }
    }
}
